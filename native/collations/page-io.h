/* Page I/O counters (page-io.c), registered by the extension's entry point (collations.c). */
#ifndef TRIREME_PAGE_IO_H
#define TRIREME_PAGE_IO_H

int register_page_io(sqlite3 *db);

#endif
