/*
 * mdbsnap.c - finds back-mdb's mdb_txn_id (mdbsnap.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE     /* dladdr, RTLD_NOLOAD */
#endif
#include <dlfcn.h>

#include "mdbsnap.h"

pg_mdb_txn_id_fn *pg_mdb_txn_id;

/* A handle on the object loaded at base, which holds fn: the module's own,
 * or the global scope's when it is slapd itself (dlopen of the program's
 * path fails; the program comes first in the global scope). */
static void *
pg_object_handle(const Dl_info *where)
{
    Dl_info slapd;

    if (dladdr((void *)overlay_op_walk, &slapd) != 0 &&
        slapd.dli_fbase == where->dli_fbase)
        return dlopen(NULL, RTLD_LAZY);
    return dlopen(where->dli_fname, RTLD_LAZY | RTLD_NOLOAD);
}

/*
 * Looked up in the very object that holds back-mdb's search, not by name
 * alone: another module with a copy of LMDB of its own (another MDB_txn)
 * may come first in the global scope.  It must also be what the global
 * scope gives, which back-mdb's own calls into LMDB bind to (modules are
 * loaded RTLD_GLOBAL): otherwise its transactions may be another copy's.
 * Written once, at a db_open, with slapd not yet serving or paused; a
 * search that reads it NULL only goes the longer way (the entryCSN).
 */
int
pg_mdbsnap_open(const BackendInfo *mdb)
{
    Dl_info where, found;
    void *self, *sym;

    if (__atomic_load_n(&pg_mdb_txn_id, __ATOMIC_RELAXED) != NULL)
        return 0;
    if (mdb == NULL || mdb->bi_op_search == NULL ||
        dladdr((void *)mdb->bi_op_search, &where) == 0 ||
        where.dli_fname == NULL)
        return -1;
    self = pg_object_handle(&where);
    if (self == NULL)
        return -1;
    sym = dlsym(self, "mdb_txn_id");
    (void)dlclose(self);    /* the reference taken above; still loaded */
    if (sym == NULL || dladdr(sym, &found) == 0 ||
        found.dli_fbase != where.dli_fbase ||
        dlsym(RTLD_DEFAULT, "mdb_txn_id") != sym)
        return -1;
    __atomic_store_n(&pg_mdb_txn_id, (pg_mdb_txn_id_fn *)sym,
                     __ATOMIC_RELAXED);
    return 0;
}
