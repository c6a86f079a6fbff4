/*
 * test_fileio.c - pgr_file_read, the one bounded whole-file reader of the
 * registry loader, the feed verifier and the registry tools: contents and
 * NUL termination, the limit on both sides, and what it refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fileio.h"

/* A temporary file holding n bytes of pattern; its name in path. */
static void
make_file(char path[64], size_t n)
{
    int fd;
    size_t i;

    strcpy(path, "/tmp/pgr-test-fileio-XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    for (i = 0; i < n; i++) {
        char c = (char)('a' + i % 26);

        assert_int_equal(write(fd, &c, 1), 1);
    }
    assert_int_equal(close(fd), 0);
}

static void
test_reads_whole_file(void **state)
{
    char path[64], err[256];
    char *buf = (char *)1;
    size_t len = 99;

    (void)state;
    make_file(path, 100);
    assert_int_equal(pgr_file_read(path, 100, &buf, &len, err, sizeof(err)),
                     PGR_FILE_OK);
    unlink(path);
    assert_non_null(buf);
    assert_int_equal(len, 100);
    assert_int_equal(buf[0], 'a');
    assert_int_equal(buf[99], 'a' + 99 % 26);
    assert_int_equal(buf[100], '\0');
    free(buf);
}

static void
test_empty_file(void **state)
{
    char path[64];
    char *buf = NULL;
    size_t len = 99;

    (void)state;
    make_file(path, 0);
    assert_int_equal(pgr_file_read(path, 10, &buf, &len, NULL, 0), PGR_FILE_OK);
    unlink(path);
    assert_non_null(buf);
    assert_int_equal(len, 0);
    assert_int_equal(buf[0], '\0');
    free(buf);
}

/* One byte over the limit is refused, and says how large it was. */
static void
test_over_limit(void **state)
{
    char path[64], err[256], expect[320];
    char *buf = (char *)1;
    size_t len = 0;

    (void)state;
    make_file(path, 101);
    assert_int_equal(pgr_file_read(path, 100, &buf, &len, err, sizeof(err)),
                     PGR_FILE_E_TOO_BIG);
    unlink(path);
    assert_null(buf);
    assert_int_equal(len, 101);
    snprintf(expect, sizeof(expect), "%s: larger than 100 bytes", path);
    assert_string_equal(err, expect);
}

static void
test_refusals(void **state)
{
    char err[256];
    char *buf = (char *)1;
    size_t len = 7;

    (void)state;
    assert_int_equal(pgr_file_read("/nonexistent/pgr-file", 100, &buf, &len,
                                   err, sizeof(err)), PGR_FILE_E_IO);
    assert_null(buf);
    assert_int_equal(len, 0);
    assert_string_equal(err, "/nonexistent/pgr-file: cannot open: No such file or directory");
    assert_int_equal(pgr_file_read("/tmp", 100, &buf, &len, err, sizeof(err)),
                     PGR_FILE_E_IO);
    assert_null(buf);
    assert_string_equal(err, "/tmp: not a regular file");
    /* a short err is cut, never overrun; NULL err is allowed */
    assert_int_equal(pgr_file_read("/tmp", 100, &buf, &len, err, 5), PGR_FILE_E_IO);
    assert_string_equal(err, "/tmp");
    assert_int_equal(pgr_file_read("/tmp", 100, &buf, &len, NULL, 0), PGR_FILE_E_IO);
}

/* A file that is not what its size said (/proc: size 0, contents not):
 * read to its end, within the limit. */
static void
test_size_is_a_hint(void **state)
{
    char *buf = NULL;
    size_t len = 0;

    (void)state;
    assert_int_equal(pgr_file_read("/proc/self/status", 1 << 20, &buf, &len,
                                   NULL, 0), PGR_FILE_OK);
    assert_true(len > 0);
    assert_int_equal(strlen(buf), len);
    assert_non_null(strstr(buf, "Name:"));
    free(buf);
    assert_int_equal(pgr_file_read("/proc/self/status", 4, &buf, &len, NULL, 0),
                     PGR_FILE_E_TOO_BIG);
    assert_null(buf);
    assert_int_equal(len, 5);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_whole_file),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_over_limit),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_size_is_a_hint),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
