/*
 * mdbsnap.c - finds back-mdb's mdb_txn_id (mdbsnap.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE     /* dladdr, RTLD_NOLOAD */
#endif
#include <dlfcn.h>

#include "mdbsnap.h"

pg_mdb_txn_id_fn *pg_mdb_txn_id;

/*
 * Looked up in the very object that holds back-mdb's search, not by name
 * alone: another module with a copy of LMDB of its own (another MDB_txn)
 * may come first in the global scope.  Written once, at a db_open, with
 * slapd not yet serving or paused; a search that reads it NULL only goes
 * the longer way (the entryCSN).
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
    self = dlopen(where.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
    if (self == NULL)
        return -1;
    sym = dlsym(self, "mdb_txn_id");
    (void)dlclose(self);    /* the reference RTLD_NOLOAD took; still loaded */
    if (sym == NULL || dladdr(sym, &found) == 0 ||
        found.dli_fbase != where.dli_fbase)
        return -1;
    __atomic_store_n(&pg_mdb_txn_id, (pg_mdb_txn_id_fn *)sym,
                     __ATOMIC_RELAXED);
    return 0;
}
