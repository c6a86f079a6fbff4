# data/: registry format, schema, samples, configuration examples.
include data/registry.mk
include data/overlay.mk
include data/sync.mk
