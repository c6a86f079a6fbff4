# tests/bench: `make bench`, one fragment per area.
include tests/bench/resolver.mk
include tests/bench/precheck.mk
include tests/bench/overlay.mk
include tests/bench/sync.mk
