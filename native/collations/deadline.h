/* The per-connection statement deadline (deadline.c), registered by the extension's entry point
 * (collations.c). */
#ifndef TRIREME_DEADLINE_H
#define TRIREME_DEADLINE_H

int register_deadline(sqlite3 *db);

#endif
