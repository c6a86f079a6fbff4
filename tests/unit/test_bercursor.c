/*
 * test_bercursor.c - the overlay's BER cursor (slapd-overlay/bercursor.h)
 * against liblber's ber_peek_element, on well-formed and broken encodings.
 *
 * The overlay runs the cursor over a client's request inside slapd, so it
 * must read exactly what liblber reads and never an octet outside the
 * buffer.  Inputs: random element trees (single-octet tags, primitive and
 * constructed, lengths in the short form and in long forms of 1 to 8
 * octets, leading zeros included), some with multi-octet tags, then
 * mutated (octets changed, the buffer cut short or extended).  Each input
 * is walked as the overlay walks a filter: at every element both readers
 * are asked; they must agree on accepting it, and on its tag, length and
 * contents; constructed elements are entered.  Multi-octet tags, which
 * LDAP never sends, must be refused by the cursor.  Each input sits in a
 * heap block of exactly its length, so that valgrind and ASan see any read
 * outside it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lber.h>

#include "bercursor.h"
#include "../xorshift64.h"

#define BUF_MAX   4096
#define DEPTH_MAX 8

static uint64_t rng_state;

static size_t
pick(size_t n)
{
    return (size_t)(xorshift64_next(&rng_state) % n);
}

/* --------------------------------------------------------- generation */

typedef struct gen {
    unsigned char buf[BUF_MAX];
    size_t        len;
    int           full;   /* stop adding: the buffer would overflow */
} gen;

static void
put(gen *g, unsigned char c)
{
    if (g->len < BUF_MAX)
        g->buf[g->len++] = c;
    else
        g->full = 1;
}

/* A length in the short form, or a long form of 1 to 8 octets. */
static void
put_length(gen *g, size_t len)
{
    unsigned char octets[8];
    size_t n = 0, v = len, i, pad;

    if (len < 128 && pick(3) != 0) {
        put(g, (unsigned char)len);
        return;
    }
    do {
        octets[n++] = (unsigned char)(v & 0xff);
        v >>= 8;
    } while (v != 0);
    pad = pick(3) == 0 ? pick(9 - n) : 0;   /* leading zero octets */
    put(g, (unsigned char)(0x80 | (n + pad)));
    for (i = 0; i < pad; i++)
        put(g, 0);
    for (i = n; i > 0; i--)
        put(g, octets[i - 1]);
}

static unsigned char
random_tag(int constructed)
{
    static const unsigned char prim[] = { 0x02, 0x04, 0x0a, 0x01, 0x80,
                                          0x87, 0x81, 0x82, 0x00 };
    static const unsigned char cons[] = { 0x30, 0x31, 0x63, 0xa0, 0xa1,
                                          0xa2, 0xa3, 0xa4, 0xa9 };

    if (pick(40) == 0)
        return (unsigned char)pick(256);
    return constructed ? cons[pick(sizeof(cons))] : prim[pick(sizeof(prim))];
}

/* One element, its contents built in a scratch generator first so that
 * its length is known. */
static void
put_element(gen *g, int depth)
{
    gen inner;
    size_t i, n;
    int constructed = depth < DEPTH_MAX && pick(3) == 0;

    inner.len = 0;
    inner.full = 0;
    if (constructed) {
        n = pick(5);
        for (i = 0; i < n && !inner.full; i++)
            put_element(&inner, depth + 1);
    } else {
        n = pick(8) == 0 ? 100 + pick(300) : pick(20);
        for (i = 0; i < n; i++)
            put(&inner, (unsigned char)pick(256));
    }
    if (pick(30) == 0) {
        /* a multi-octet tag: 0x1f in the low bits, then octets with the
         * high bit set but the last */
        put(g, (unsigned char)(0x1f | (constructed ? 0x20 : 0) | 0x80));
        put(g, (unsigned char)(0x80 | pick(128)));
        put(g, (unsigned char)pick(128));
    } else {
        put(g, random_tag(constructed));
    }
    put_length(g, inner.len);
    for (i = 0; i < inner.len; i++)
        put(g, inner.buf[i]);
    if (inner.full)
        g->full = 1;
}

/* ----------------------------------------------------------- comparison */

typedef struct tally {
    unsigned long inputs, elements, accepted, refused, multi_octet,
                  mismatches;
} tally;

static void
report(const char *what, const unsigned char *at, const unsigned char *end)
{
    size_t i, n = (size_t)(end - at);

    fprintf(stderr, "mismatch (%s) at:", what);
    for (i = 0; i < n && i < 24; i++)
        fprintf(stderr, " %02x", at[i]);
    fprintf(stderr, "\n");
}

/* Walks [p, end) as a sequence of elements, entering constructed ones. */
static void
walk(const unsigned char *p, const unsigned char *end, int depth, tally *t)
{
    while (p < end) {
        pg_ber c = { p, end };
        BerElement *b = ber_alloc_t(0);
        struct berval whole, contents;
        ber_tag_t ltag;
        unsigned tag = 0;
        size_t len = 0;
        int ours;

        assert_non_null(b);
        whole.bv_val = (char *)p;
        whole.bv_len = (size_t)(end - p);
        ber_init2(b, &whole, 0);   /* reads the octets in place */
        ltag = ber_peek_element(b, &contents);
        ber_free(b, 0);            /* not the octets: they are ours */
        ours = pg_ber_head(&c, &tag, &len);
        t->elements++;

        if ((p[0] & 0x1f) == 0x1f) {
            /* LDAP has no multi-octet tag: always refused */
            t->multi_octet++;
            if (ours == 0 && t->mismatches++ < 5)
                report("multi-octet tag accepted", p, end);
            return;
        }
        if (ltag == LBER_DEFAULT) {
            t->refused++;
            if (ours == 0 && t->mismatches++ < 5)
                report("accepted what liblber refuses", p, end);
            return;
        }
        if (ours != 0 || ltag != tag || contents.bv_len != len ||
            (const char *)c.p != contents.bv_val) {
            if (t->mismatches++ < 5)
                report("different reading", p, end);
            return;
        }
        t->accepted++;
        /* pg_ber_skip agrees with pg_ber_head */
        {
            pg_ber s = { p, end };
            const char *v = NULL;
            size_t vlen = 0;

            if (pg_ber_skip(&s, &v, &vlen) != 0 || v != contents.bv_val ||
                vlen != len || s.p != c.p + len) {
                if (t->mismatches++ < 5)
                    report("skip differs from head", p, end);
                return;
            }
        }
        if ((tag & 0x20) != 0 && depth < DEPTH_MAX + 2)
            walk(c.p, c.p + len, depth + 1, t);
        p = c.p + len;
    }
}

static void
check_input(const unsigned char *src, size_t n, tally *t)
{
    unsigned char *copy = malloc(n > 0 ? n : 1);

    assert_non_null(copy);
    memcpy(copy, src, n);
    t->inputs++;
    walk(copy, copy + n, 0, t);
    free(copy);
}

/* ---------------------------------------------------------------- tests */

static void
test_examples(void **state)
{
    /* SEQUENCE { INTEGER 5, OCTET STRING "ab" }, long-form length of 2 */
    static const unsigned char ok[] = { 0x30, 0x82, 0x00, 0x07, 0x02, 0x01,
                                        0x05, 0x04, 0x02, 'a', 'b' };
    static const unsigned char indefinite[] = { 0x30, 0x80, 0x00, 0x00 };
    static const unsigned char past_end[] = { 0x04, 0x05, 'a', 'b' };
    static const unsigned char multi[] = { 0x1f, 0x81, 0x01, 0x00 };
    pg_ber c = { ok, ok + sizeof(ok) };
    const char *v;
    unsigned tag;
    size_t len, vlen;

    (void)state;
    assert_int_equal(pg_ber_head(&c, &tag, &len), 0);
    assert_int_equal(tag, 0x30);
    assert_int_equal(len, 7);
    assert_ptr_equal(c.p, ok + 4);
    assert_int_equal(pg_ber_skip(&c, NULL, NULL), 0);   /* INTEGER */
    assert_int_equal(pg_ber_skip(&c, &v, &vlen), 0);    /* "ab" */
    assert_int_equal(vlen, 2);
    assert_memory_equal(v, "ab", 2);
    assert_ptr_equal(c.p, ok + sizeof(ok));
    assert_int_equal(pg_ber_skip(&c, NULL, NULL), -1);  /* at the end */

    c.p = indefinite;
    c.end = indefinite + sizeof(indefinite);
    assert_int_equal(pg_ber_head(&c, &tag, &len), -1);
    assert_ptr_equal(c.p, indefinite);                  /* unchanged */
    c.p = past_end;
    c.end = past_end + sizeof(past_end);
    assert_int_equal(pg_ber_skip(&c, &v, &vlen), -1);
    c.p = multi;
    c.end = multi + sizeof(multi);
    assert_int_equal(pg_ber_head(&c, &tag, &len), -1);
    c.p = ok;
    c.end = ok + 1;                                     /* a lone tag */
    assert_int_equal(pg_ber_head(&c, &tag, &len), -1);
}

static void
test_against_liblber(void **state)
{
    static gen g;
    tally t = { 0, 0, 0, 0, 0, 0 };
    int round;

    (void)state;
    rng_state = 0x243f6a8885a308d3ULL;
    for (round = 0; round < 20000; round++) {
        size_t i, n;

        g.len = 0;
        g.full = 0;
        n = 1 + pick(3);
        for (i = 0; i < n && !g.full; i++)
            put_element(&g, 0);
        check_input(g.buf, g.len, &t);
        /* the same, broken: an octet changed, cut short, extended */
        if (g.len > 0) {
            g.buf[pick(g.len)] = (unsigned char)pick(256);
            check_input(g.buf, g.len, &t);
            check_input(g.buf, pick(g.len), &t);
        }
        if (g.len + 3 <= BUF_MAX) {
            g.buf[g.len] = (unsigned char)pick(256);
            g.buf[g.len + 1] = (unsigned char)pick(256);
            g.buf[g.len + 2] = (unsigned char)pick(256);
            check_input(g.buf, g.len + 3, &t);
        }
    }
    fprintf(stderr, "bercursor: %lu inputs, %lu elements: %lu accepted, "
            "%lu refused by both, %lu multi-octet tags\n", t.inputs,
            t.elements, t.accepted, t.refused, t.multi_octet);
    assert_int_equal(t.mismatches, 0);
    /* every kind of answer was reached */
    assert_true(t.accepted > 10000 && t.refused > 1000 && t.multi_octet > 100);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_examples),
        cmocka_unit_test(test_against_liblber),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
