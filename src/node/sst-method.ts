// wsrep_sst_method named in the logs of both sides, with what trireme runs for it. Galera runs a
// script per method (wsrep_sst_mariabackup, wsrep_sst_rsync, wsrep_sst_mysqldump); trireme runs
// one built-in physical copy: a consistent snapshot of the database file taken on a worker
// thread (the donor goes on serving and applying) and the certification window, over mutual TLS.

const physical =
  "trireme's physical copy: a consistent snapshot of the database file, taken without blocking the donor, and the certification window, over mutual TLS";

/** One line: the method and what runs for it. */
export function describeSstMethod(method: string): string {
  if (method === 'mysqldump')
    return `method mysqldump (logical, requested): a logical transfer is not built yet, so this runs ${physical}`;
  return `method ${method}: ${physical}`;
}
