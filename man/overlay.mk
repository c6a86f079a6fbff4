# man/overlay.mk: slapo-ploguard(5).
man_MANS += man/slapo-ploguard.5
EXTRA_DIST += man/slapo-ploguard.5
