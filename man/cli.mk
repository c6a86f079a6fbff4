# man/cli.mk: ploguard(1).
man_MANS += man/ploguard.1
EXTRA_DIST += man/ploguard.1
