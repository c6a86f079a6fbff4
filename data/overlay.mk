# data/overlay.mk: example slapd configurations for the ploguard overlay,
# and the sample agency directory the demo and the tests serve.
dist_pkgdata_DATA += \
	data/directory.sample.ldif \
	data/ploguard-slapd.conf.example \
	data/ploguard-cn-config.ldif.example
