# data/sync.mk - the systemd units of `ploguard sync` and its example
# configuration.  The units go to $(systemdsystemunitdir): by default
# $(prefix)/lib/systemd/system; Debian's is /lib/systemd/system
# (`pkg-config --variable=systemdsystemunitdir systemd`), so install with
#   make install systemdsystemunitdir=/lib/systemd/system
systemdsystemunitdir = $(prefix)/lib/systemd/system
systemdsystemunit_DATA = data/ploguard-sync.service data/ploguard-sync.timer
dist_pkgdata_DATA += data/ploguard.conf.example
EXTRA_DIST += data/ploguard-sync.service.in data/ploguard-sync.timer
CLEANFILES += data/ploguard-sync.service

# The registry's directory, as the command's default (PGR_DEFAULT_REGISTRY).
ploguard_registrydir = $(localstatedir)/lib/ploguard

# Created at install, so that `ploguard sync` run by hand finds it (the
# unit's StateDirectory= creates it too, owned by its user).
install-data-local:
	$(MKDIR_P) $(DESTDIR)$(ploguard_registrydir)

data/ploguard-sync.service: $(top_srcdir)/data/ploguard-sync.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) data && \
	sed -e 's|@bindir[@]|$(bindir)|g' \
	    -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    -e 's|@registrydir[@]|$(ploguard_registrydir)|g' \
	    $(top_srcdir)/data/ploguard-sync.service.in > $@.tmp && \
	mv $@.tmp $@
