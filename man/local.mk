# man/: manual pages.
include man/cli.mk
include man/overlay.mk
