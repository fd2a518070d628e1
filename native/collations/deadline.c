/*
 * A per-connection statement deadline (MariaDB's max_statement_time) that stops even a
 * statement holding Node's event loop: trireme_deadline(ms) arms the calling connection's
 * deadline `ms` milliseconds from now (CLOCK_MONOTONIC), trireme_deadline(0) disarms it. A
 * watchdog thread of this library sleeps until the earliest armed deadline and then calls
 * sqlite3_interrupt on that connection, which makes SQLite stop its running statement with
 * SQLITE_INTERRUPT (an interrupted read leaves its transaction as it was; an interrupted write
 * rolls the whole transaction back: the engine's business, src/engine/dml.ts).
 *
 * Why a thread: better-sqlite3 builds SQLite with SQLITE_OMIT_PROGRESS_CALLBACK, so no progress
 * handler can look at the clock from inside a statement, and the thread that runs the
 * statement is busy running it. sqlite3_interrupt is SQLite's one call meant for another
 * thread (an atomic store the virtual machine reads at every loop). A connection that never
 * arms a deadline pays nothing; one that does pays two short calls per statement and no check
 * per instruction. The watchdog thread is started at the first deadline.
 *
 * SQLite clears a connection's interrupt flag when a statement starts while none is running.
 * So an interrupt that lands between the arming call and the start of the statement it arms
 * for (a slow prepare, a thread descheduled) would be lost: the watchdog repeats it every
 * DEADLINE_REPEAT_NS until the deadline is disarmed. And an interrupt that lands after the
 * statement ended reaches no later statement: it is cleared when the next one starts, or it
 * stops the disarming call itself, which the caller then makes again
 * (storage/statement-cache.ts). Each connection's entry lives with it
 * (sqlite3_set_clientdata) and leaves the armed list, under the lock, before the connection
 * is freed, so the watchdog never touches a closed connection.
 *
 * KILL QUERY: trireme_deadline(ms, tag) arms the connection for the statement of MySQL
 * connection `tag`, with a deadline (ms > 0) or without one (ms <= 0: only a kill stops it), and
 * trireme_kill(tag), called on any connection of the process (the connection guard's thread,
 * src/node/connection-guard.ts), moves the deadline of every statement armed with that tag to
 * now and marks it killed: the watchdog interrupts it as it would at its deadline. The disarming
 * call, trireme_deadline(0), answers 1 for a statement that was killed (1317, not 1969), else 0.
 * A statement that holds Node's event loop holds the thread that reads the client sockets, so
 * the KILL QUERY comes in on the guard's thread, and trireme_armed() lists the statements
 * running for its SHOW PROCESSLIST. trireme_dup(fd) duplicates a file descriptor
 * (Node has no dup): the guard listens on a copy of the MySQL listener's socket.
 * docs/design/engine.md, "Known gaps" (KILL QUERY, max_statement_time).
 */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include <fcntl.h>

#include "deadline.h"

/* How often an interrupt is repeated while its deadline stays armed (see above). */
#define DEADLINE_REPEAT_NS 1000000LL
/* 2^31 ms is 24.8 days: longer limits are unlimited in effect, and the product fits. */
#define DEADLINE_MS_MAX 2147483647LL

static const char CLIENT_DATA_KEY[] = "trireme_deadline";

typedef struct Deadline {
  sqlite3 *db;
  int64_t at_ns;
  int armed;
  /* The MySQL connection whose statement is armed (0: none), and whether a kill reached it. */
  int64_t tag;
  int killed;
  /* When it was armed: how long the statement has run (trireme_armed). */
  int64_t armed_at_ns;
  struct Deadline *next;
} Deadline;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake;
/* The armed deadlines, in no order (a node runs a handful of timed statements at once). */
static Deadline *armed = 0;
static pthread_once_t watchdog_once = PTHREAD_ONCE_INIT;
static int watchdog_started = 0;
/*
 * When the watchdog wakes by itself (INT64_MAX: not before a signal). Arming wakes it only for
 * an earlier deadline, and disarming never does (it finds the deadline gone when it wakes): a
 * wake-up costs a context switch, several times a point select's own time.
 */
static int64_t watch_until_ns = INT64_MAX;

static int64_t now_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
}

/* Takes `deadline` off the armed list; the lock is held. */
static void disarm_locked(Deadline *deadline) {
  if (!deadline->armed) return;
  for (Deadline **p = &armed; *p != 0; p = &(*p)->next) {
    if (*p == deadline) {
      *p = deadline->next;
      break;
    }
  }
  deadline->armed = 0;
  deadline->next = 0;
  deadline->tag = 0;
  deadline->killed = 0;
}

/*
 * Interrupts every connection whose deadline passed, again every DEADLINE_REPEAT_NS until it is
 * disarmed; sleeps until the next one.
 */
static void *watch(void *unused) {
  (void)unused;
  pthread_mutex_lock(&lock);
  for (;;) {
    int64_t now = now_ns();
    int64_t next = INT64_MAX;
    for (Deadline *deadline = armed; deadline != 0; deadline = deadline->next) {
      if (deadline->at_ns <= now) {
        sqlite3_interrupt(deadline->db);
        deadline->at_ns = now + DEADLINE_REPEAT_NS;
      }
      if (deadline->at_ns < next) next = deadline->at_ns;
    }
    watch_until_ns = next;
    if (next == INT64_MAX) {
      pthread_cond_wait(&wake, &lock);
    } else {
      struct timespec until = {(time_t)(next / 1000000000LL), (long)(next % 1000000000LL)};
      pthread_cond_timedwait(&wake, &lock, &until);
    }
  }
  return 0;
}

static void start_watchdog(void) {
  pthread_condattr_t attributes;
  pthread_condattr_init(&attributes);
  pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
  pthread_cond_init(&wake, &attributes);
  pthread_condattr_destroy(&attributes);
  pthread_attr_t thread_attributes;
  pthread_attr_init(&thread_attributes);
  pthread_attr_setdetachstate(&thread_attributes, PTHREAD_CREATE_DETACHED);
  pthread_t thread;
  watchdog_started = pthread_create(&thread, &thread_attributes, watch, 0) == 0;
  pthread_attr_destroy(&thread_attributes);
}

/* The connection's entry is freed with it: off the armed list first. */
static void destroy(void *data) {
  Deadline *deadline = (Deadline *)data;
  pthread_mutex_lock(&lock);
  disarm_locked(deadline);
  pthread_mutex_unlock(&lock);
  sqlite3_free(deadline);
}

static Deadline *deadline_of(sqlite3 *db) {
  Deadline *deadline = (Deadline *)sqlite3_get_clientdata(db, CLIENT_DATA_KEY);
  if (deadline != 0) return deadline;
  deadline = (Deadline *)sqlite3_malloc(sizeof(Deadline));
  if (deadline == 0) return 0;
  deadline->db = db;
  deadline->at_ns = 0;
  deadline->armed = 0;
  deadline->next = 0;
  deadline->tag = 0;
  deadline->killed = 0;
  /* On failure SQLite calls the destructor itself. */
  if (sqlite3_set_clientdata(db, CLIENT_DATA_KEY, deadline, destroy) != SQLITE_OK) return 0;
  return deadline;
}

/*
 * trireme_deadline(ms[, tag]): arms (ms > 0) or disarms (ms <= 0, NULL) this connection's
 * deadline; with a tag it arms for that MySQL connection's statement, with a deadline or
 * (ms <= 0) without one. Disarming answers 1 if a kill reached the statement, else 0.
 */
static void deadline_function(sqlite3_context *context, int argc, sqlite3_value **argv) {
  sqlite3 *db = sqlite3_context_db_handle(context);
  sqlite3_int64 ms = sqlite3_value_int64(argv[0]);
  sqlite3_int64 tag = argc > 1 ? sqlite3_value_int64(argv[1]) : 0;
  Deadline *deadline = (Deadline *)sqlite3_get_clientdata(db, CLIENT_DATA_KEY);
  if (ms <= 0 && tag <= 0) {
    int killed = 0;
    if (deadline != 0) {
      pthread_mutex_lock(&lock);
      killed = deadline->armed && deadline->killed;
      disarm_locked(deadline);
      pthread_mutex_unlock(&lock);
    }
    return sqlite3_result_int(context, killed);
  }
  pthread_once(&watchdog_once, start_watchdog);
  if (!watchdog_started)
    return sqlite3_result_error(context, "trireme_deadline: cannot start the watchdog thread", -1);
  deadline = deadline_of(db);
  if (deadline == 0) return sqlite3_result_error_nomem(context);
  if (ms > DEADLINE_MS_MAX) ms = DEADLINE_MS_MAX;
  pthread_mutex_lock(&lock);
  disarm_locked(deadline);
  deadline->armed_at_ns = now_ns();
  deadline->at_ns = ms > 0 ? deadline->armed_at_ns + (int64_t)ms * 1000000LL : INT64_MAX;
  deadline->armed = 1;
  deadline->tag = tag;
  deadline->next = armed;
  armed = deadline;
  if (deadline->at_ns < watch_until_ns) {
    watch_until_ns = deadline->at_ns;
    pthread_cond_signal(&wake);
  }
  pthread_mutex_unlock(&lock);
  sqlite3_result_int(context, 1);
}

/* trireme_kill(tag): interrupts every statement armed for MySQL connection `tag`; their count. */
static void kill_function(sqlite3_context *context, int argc, sqlite3_value **argv) {
  (void)argc;
  sqlite3_int64 tag = sqlite3_value_int64(argv[0]);
  if (tag <= 0) return sqlite3_result_int(context, 0);
  pthread_once(&watchdog_once, start_watchdog);
  if (!watchdog_started)
    return sqlite3_result_error(context, "trireme_kill: cannot start the watchdog thread", -1);
  int count = 0;
  pthread_mutex_lock(&lock);
  int64_t now = now_ns();
  for (Deadline *deadline = armed; deadline != 0; deadline = deadline->next) {
    if (deadline->tag != tag) continue;
    deadline->killed = 1;
    deadline->at_ns = now;
    count++;
  }
  if (count > 0) {
    watch_until_ns = now;
    pthread_cond_signal(&wake);
  }
  pthread_mutex_unlock(&lock);
  sqlite3_result_int(context, count);
}

/*
 * trireme_armed(): the MySQL connections with a statement armed now and how long ago it was
 * armed, as text: "id:ms" pairs separated by spaces (SHOW PROCESSLIST on the guard's thread).
 */
static void armed_function(sqlite3_context *context, int argc, sqlite3_value **argv) {
  (void)argc;
  (void)argv;
  sqlite3_str *text = sqlite3_str_new(0);
  pthread_mutex_lock(&lock);
  int64_t now = now_ns();
  for (Deadline *deadline = armed; deadline != 0; deadline = deadline->next) {
    if (deadline->tag <= 0) continue;
    sqlite3_str_appendf(text, "%s%lld:%lld", sqlite3_str_length(text) > 0 ? " " : "",
                        (long long)deadline->tag,
                        (long long)((now - deadline->armed_at_ns) / 1000000LL));
  }
  pthread_mutex_unlock(&lock);
  int length = sqlite3_str_length(text);
  char *value = sqlite3_str_finish(text);
  if (value == 0 && length > 0) return sqlite3_result_error_nomem(context);
  sqlite3_result_text(context, value == 0 ? "" : value, -1, value == 0 ? SQLITE_STATIC : sqlite3_free);
}

/* trireme_dup(fd): a new descriptor for the same open file (Node has no dup), or an error. */
static void dup_function(sqlite3_context *context, int argc, sqlite3_value **argv) {
  (void)argc;
  /* Close-on-exec, as Node's own descriptors: a child process must not inherit the listener. */
  int copy = fcntl((int)sqlite3_value_int(argv[0]), F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return sqlite3_result_error(context, "trireme_dup: dup failed", -1);
  sqlite3_result_int(context, copy);
}

int register_deadline(sqlite3 *db) {
  /* DIRECTONLY: no view, trigger or CHECK of a database file can move a deadline. */
  int flags = SQLITE_UTF8 | SQLITE_DIRECTONLY;
  int rc = sqlite3_create_function(db, "trireme_deadline", 1, flags, 0, deadline_function, 0, 0);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "trireme_deadline", 2, flags, 0, deadline_function, 0, 0);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "trireme_kill", 1, flags, 0, kill_function, 0, 0);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "trireme_armed", 0, flags, 0, armed_function, 0, 0);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "trireme_dup", 1, flags, 0, dup_function, 0, 0);
  return rc;
}
