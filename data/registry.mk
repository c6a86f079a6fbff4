# data/registry.mk: the registry format (prose and JSON Schema) and the
# fictional sample registry.
dist_pkgdata_DATA += \
	data/registry-format.md \
	data/registry.schema.json \
	data/registry.sample.json
