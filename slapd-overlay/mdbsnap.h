/*
 * mdbsnap.h - the back-mdb snapshot an entry was read in.
 *
 * back-mdb reads every entry of a search in an LMDB read transaction of
 * its own (renewed now and then during a long search: olcDbRtxnSize, a
 * client slow to read), and the transaction's ID is the ID of the last
 * write committed before it: every write to the database, through slapd
 * or not (slapadd, slapmodify, a replication consumer, an overlay's
 * internal write), commits under a new one.  Two reads under one ID read
 * one content.  The verdict table (verdict.h) uses it to find an entry's
 * verdict by the entry's ID alone while nothing has been written.  The
 * snapshot a search reads now is the one an entry was read in only for
 * the entries back-mdb reads just before it sends them: not for the search
 * base, read at the start (dispatch.c, pg_read_now).
 *
 * The transaction is the search's mdb_op_info on the operation's o_extra
 * list (back-mdb.h), and its ID is mdb_txn_id's, from back-mdb's own copy
 * of LMDB (MDB_txn is opaque).  Only a read transaction counts: a write
 * transaction reads its own uncommitted writes under one ID, and a
 * transaction that aborts leaves its ID to the next one.
 */
#ifndef PG_MDBSNAP_H
#define PG_MDBSNAP_H

#include "portable.h"

#include <stdint.h>

#include "slap.h"
#include "back-mdb.h"

typedef size_t pg_mdb_txn_id_fn(MDB_txn *txn);

/* back-mdb's mdb_txn_id once a database of ours over back-mdb has opened
 * (pg_mdbsnap_open), NULL otherwise. */
extern pg_mdb_txn_id_fn *pg_mdb_txn_id;

/* Finds mdb_txn_id in the object that holds back-mdb's search (the
 * back_mdb module, or slapd when back-mdb is built in); 0 when found. */
int pg_mdbsnap_open(const BackendInfo *mdb);

/*
 * The snapshot op reads op->o_bd's back-mdb database in, or 0 when it is
 * not known: no read transaction of that database on the operation, or
 * mdb_txn_id not found.  Inline: it runs for every entry a search returns.
 */
static inline uint64_t
pg_mdb_snapshot(const Operation *op)
{
    pg_mdb_txn_id_fn *txn_id = __atomic_load_n(&pg_mdb_txn_id,
                                               __ATOMIC_RELAXED);
    const void *mdb = op->o_bd->be_private;
    const OpExtra *oex;
    const mdb_op_info *moi;

    if (txn_id == NULL)
        return 0;
    /* back-mdb looks for its own the same way (mdb_opinfo_get) */
    LDAP_SLIST_FOREACH(oex, &op->o_extra, oe_next) {
        if (oex->oe_key == mdb)
            break;
    }
    if (oex == NULL)
        return 0;
    moi = (const mdb_op_info *)oex;    /* moi_oe is its first member */
    if (!(moi->moi_flag & MOI_READER) || moi->moi_txn == NULL)
        return 0;
    return (uint64_t)txn_id(moi->moi_txn);
}

#endif /* PG_MDBSNAP_H */
