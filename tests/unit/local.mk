# tests/unit: cmocka unit tests, one fragment per area.
include tests/unit/phone.mk
include tests/unit/registry.mk
include tests/unit/precheck.mk
include tests/unit/text.mk
include tests/unit/cli.mk
include tests/unit/verdict.mk
include tests/unit/alarm.mk
include tests/unit/plainnorm.mk
include tests/unit/bercursor.mk
