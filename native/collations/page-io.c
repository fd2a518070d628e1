/*
 * Page I/O counters for the whole process: pages SQLite read from disk (cache misses) and
 * pages it wrote (WAL frames or database pages), summed over every connection of every thread.
 * On an encrypted database each read page is one page decrypted and each written page one page
 * encrypted, MariaDB's Innodb_num_pages_decrypted / _encrypted (docs/design/encryption.md,
 * "Status"). better-sqlite3 exposes no sqlite3_db_status, so this part of the extension does.
 *
 * Each connection's own thread moves its counts into the process totals at the end of each of
 * its statements (a profile trace callback, reading and resetting sqlite3_db_status), so no
 * thread ever reads another thread's connection. trireme_page_io(0) is the pages read,
 * trireme_page_io(1) the pages written. Checkpoints' copies from the WAL into the database are
 * not counted (SQLite counts no pager event for them).
 */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#include <stdint.h>

#include "page-io.h"

static int64_t pages_read = 0;
static int64_t pages_written = 0;

/* Moves the counts the connection gathered since the last call into the process totals. */
static void collect(sqlite3 *db) {
  int current = 0;
  int highwater = 0;
  if (sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_MISS, &current, &highwater, 1) == SQLITE_OK &&
      current > 0)
    __atomic_fetch_add(&pages_read, (int64_t)current, __ATOMIC_RELAXED);
  current = 0;
  if (sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_WRITE, &current, &highwater, 1) == SQLITE_OK &&
      current > 0)
    __atomic_fetch_add(&pages_written, (int64_t)current, __ATOMIC_RELAXED);
}

static int on_statement_end(unsigned type, void *context, void *statement, void *elapsed) {
  (void)context;
  (void)elapsed;
  if (type == SQLITE_TRACE_PROFILE) collect(sqlite3_db_handle((sqlite3_stmt *)statement));
  return 0;
}

/* trireme_page_io(which): the process's pages read (0) or written (1) since it started. */
static void page_io_function(sqlite3_context *context, int argc, sqlite3_value **argv) {
  (void)argc;
  collect(sqlite3_context_db_handle(context));
  int which = sqlite3_value_int(argv[0]);
  int64_t *total = which == 0 ? &pages_read : which == 1 ? &pages_written : 0;
  if (total == 0) return sqlite3_result_null(context);
  sqlite3_result_int64(context, __atomic_load_n(total, __ATOMIC_RELAXED));
}

int register_page_io(sqlite3 *db) {
  int rc = sqlite3_trace_v2(db, SQLITE_TRACE_PROFILE, on_statement_end, 0);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "trireme_page_io", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, 0,
                                 page_io_function, 0, 0);
  return rc;
}
