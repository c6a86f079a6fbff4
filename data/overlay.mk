# data/overlay.mk: example slapd configurations for the ploguard overlay.
dist_pkgdata_DATA += \
	data/ploguard-slapd.conf.example \
	data/ploguard-cn-config.ldif.example
