# tests/registry-tools: `ploguard registry` (the ILDC tools), and its
# manual page.  Shell tests; e2e.sh also needs minisign and openssl and uses
# ports 29871-29878 on 127.0.0.1.
TESTS += \
	tests/registry-tools/init.sh \
	tests/registry-tools/validate.sh \
	tests/registry-tools/edit.sh \
	tests/registry-tools/diff.sh \
	tests/registry-tools/release.sh \
	tests/registry-tools/e2e.sh
EXTRA_DIST += \
	tests/registry-tools/common.sh \
	tests/registry-tools/init.sh \
	tests/registry-tools/validate.sh \
	tests/registry-tools/edit.sh \
	tests/registry-tools/diff.sh \
	tests/registry-tools/release.sh \
	tests/registry-tools/e2e.sh
man_MANS += man/ploguard-registry.1
