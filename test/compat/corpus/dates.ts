// dates: DATE/DATETIME/TIMESTAMP/TIME/YEAR storage and validation, comparison with strings,
// interval arithmetic, DATE_FORMAT/STR_TO_DATE specifiers, week modes, time zones.
import { CaseList } from '../case.js';

const TYPES = ['DATE', 'DATETIME', 'DATETIME(3)', 'TIMESTAMP NULL', 'TIME', 'YEAR'];
const VALUES = [
  "'2024-01-05'",
  "'2024-1-5'",
  "'2024-01-05 10:11:12'",
  "'2024-01-05 10:11:12.345678'",
  '20240105',
  "'20240105101112'",
  "'10:11:12'",
  "'2024-02-29'",
  "'24-01-05'",
  "'2024/01/05'",
  '2024',
  '99',
  'NULL',
  "'838:59:59'",
  "'-01:00:00'",
];
const FORMAT_SPECIFIERS = 'aAbcDdefHhIijklMmprSsTUuVvWwXxYy%'.split('');
const WEEK_DATES = ["'2024-01-01'", "'2023-01-01'", "'2021-01-03'", "'2020-12-31'", "'2027-01-01'"];

export function dateCases(): CaseList {
  const list = new CaseList('dates');
  for (const type of TYPES) {
    for (const value of VALUES) {
      list.add(
        `${type} <- ${value}`,
        [`CREATE TABLE t (c ${type})`],
        `INSERT INTO t VALUES (${value})`,
        'SELECT c FROM t',
      );
    }
  }
  const at = "'2024-03-07 14:05:09.012345'";
  for (const s of FORMAT_SPECIFIERS)
    list.add(`DATE_FORMAT %${s}`, [], `SELECT DATE_FORMAT(${at}, '%${s}')`);
  for (const d of WEEK_DATES) {
    list.add(`week specifiers ${d}`, [], `SELECT DATE_FORMAT(${d}, '%U %u %V %v %X %x %W %a')`);
    for (let mode = 0; mode < 8; mode++)
      list.add(`WEEK(${d}, ${mode})`, [], `SELECT WEEK(${d}, ${mode})`);
    list.add(
      `YEARWEEK ${d}`,
      [],
      `SELECT YEARWEEK(${d}), WEEKOFYEAR(${d}), DAYOFWEEK(${d}), WEEKDAY(${d}), DAYOFYEAR(${d})`,
    );
  }
  const intervals = [
    "DATE_ADD('2024-01-31', INTERVAL 1 MONTH)",
    "DATE_ADD('2023-01-31', INTERVAL 1 MONTH)",
    "DATE_ADD('2024-02-29', INTERVAL 1 YEAR)",
    "DATE_SUB('2024-03-31', INTERVAL 1 MONTH)",
    "DATE_ADD('2024-01-05', INTERVAL 1 DAY)",
    "DATE_ADD('2024-01-05', INTERVAL 36 HOUR)",
    "DATE_ADD('2024-01-05 23:59:59', INTERVAL 1 SECOND)",
    "DATE_ADD('2024-12-31', INTERVAL 1 QUARTER)",
    "DATE_ADD('2024-01-05', INTERVAL -1 WEEK)",
    "DATE_ADD('2024-01-05 10:00:00', INTERVAL '1:30' HOUR_MINUTE)",
    "DATE_ADD('2024-01-05', INTERVAL '1-2' YEAR_MONTH)",
    "DATE_ADD('2024-01-05 10:00:00', INTERVAL '1 2:3:4' DAY_SECOND)",
    "DATE_ADD('2024-01-05', INTERVAL 1.5 DAY)",
    "DATE_ADD('2024-01-05 00:00:00', INTERVAL 1000000 MICROSECOND)",
    "'2024-01-05' + INTERVAL 1 DAY",
    "INTERVAL 2 DAY + '2024-01-05'",
    "'2024-01-05 10:00:00' - INTERVAL 1 MINUTE",
    'DATE_ADD(NULL, INTERVAL 1 DAY)',
    "DATE_ADD('not a date', INTERVAL 1 DAY)",
    "ADDDATE('2024-01-05', 10)",
    "SUBDATE('2024-01-05', INTERVAL 10 DAY)",
    "DATEDIFF('2024-03-01', '2024-02-01')",
    "DATEDIFF('2024-03-01 23:59:59', '2024-03-01 00:00:00')",
    "TIMESTAMPDIFF(MONTH, '2024-01-31', '2024-02-29')",
    "TIMESTAMPDIFF(YEAR, '2000-02-29', '2024-02-28')",
    "TIMESTAMPDIFF(SECOND, '2024-01-01', '2024-01-02')",
    "TIMESTAMPDIFF(DAY, '2024-01-02', '2024-01-01')",
    "TIMESTAMPADD(MINUTE, 90, '2024-01-05 10:00:00')",
    "LAST_DAY('2024-02-10')",
    "LAST_DAY('2023-02-10')",
    'MAKEDATE(2024, 60)',
    'MAKETIME(12, 34, 56)',
    "TIME_TO_SEC('01:02:03')",
    'SEC_TO_TIME(3723)',
    'SEC_TO_TIME(-3723)',
    "ADDTIME('2024-01-05 10:00:00', '01:30:00')",
    "SUBTIME('10:00:00', '11:00:00')",
    "TIMEDIFF('2024-01-05 10:00:00', '2024-01-04 09:00:00')",
    "TIMEDIFF('10:00:00', '12:30:00')",
    "DATE('2024-01-05 10:11:12')",
    "TIME('2024-01-05 10:11:12')",
    "YEAR('2024-01-05'), MONTH('2024-01-05'), DAY('2024-01-05')",
    "HOUR('10:11:12'), MINUTE('10:11:12'), SECOND('10:11:12')",
    "MICROSECOND('10:11:12.000123')",
    "EXTRACT(YEAR_MONTH FROM '2024-01-05')",
    "EXTRACT(DAY_HOUR FROM '2024-01-05 10:11:12')",
    "EXTRACT(QUARTER FROM '2024-08-05')",
    "MONTHNAME('2024-01-05'), DAYNAME('2024-01-05')",
    "QUARTER('2024-12-05')",
    "TO_DAYS('2024-01-05')",
    'FROM_DAYS(739000)',
    "UNIX_TIMESTAMP('2024-01-01 00:00:00')",
    'FROM_UNIXTIME(1700000000)',
    "FROM_UNIXTIME(1700000000, '%Y %D %M')",
    "CONVERT_TZ('2024-01-05 10:00:00', '+00:00', '+05:30')",
    "CONVERT_TZ('2024-01-05 10:00:00', '-03:00', '+01:00')",
    "STR_TO_DATE('05/01/2024', '%d/%m/%Y')",
    "STR_TO_DATE('Jan 5 2024 10:11', '%b %e %Y %H:%i')",
    "STR_TO_DATE('2024-01-05 10:11:12 PM', '%Y-%m-%d %r')",
    "STR_TO_DATE('10:11', '%H:%i')",
    "STR_TO_DATE('2024-13-05', '%Y-%m-%d')",
    "STR_TO_DATE('abc', '%Y')",
    "STR_TO_DATE('5th January 2024', '%D %M %Y')",
    "STR_TO_DATE('2024 1', '%X %V')",
    "STR_TO_DATE('12.5.2024', '%e.%c.%Y')",
    "STR_TO_DATE('2024-01-05T10:11:12', '%Y-%m-%dT%T')",
    "DATE_FORMAT('2024-01-05', '%Y-%m-%d %H:%i:%s')",
    "DATE_FORMAT('0000-00-00', '%Y')",
    "DATE_FORMAT(NULL, '%Y')",
    "TIME_FORMAT('14:05:09', '%h:%i %p')",
    "TIME_FORMAT('100:00:00', '%H %k')",
    "GET_FORMAT(DATE, 'EUR')",
    "'2024-01-05' < '2024-1-6'",
    "DATE('2024-01-05') = '2024-01-05'",
    "DATE('2024-01-05') = '2024-1-5'",
    "CAST('2024-01-05' AS DATE) < '2024-01-10'",
    "CAST('2024-01-05 10:11:12' AS DATE)",
    "CAST('2024-01-05' AS DATETIME)",
    "CAST('10:11:12' AS TIME)",
    "CAST('2024-01-05 10:11:12.5' AS DATETIME)",
    "CAST('2024-01-05 10:11:12.5' AS DATETIME(2))",
    'CAST(20240105 AS DATE)',
    "CAST('2024-02-30' AS DATE)",
    "DATE('2024-01-05') + 0",
    "TIMESTAMP('2024-01-05')",
    "TIMESTAMP('2024-01-05', '10:00:00')",
    "DAYOFMONTH('2024-01-00')",
    "MONTH('0000-00-00')",
    "'2024-01-05' BETWEEN '2024-01-01' AND '2024-01-31'",
    "GREATEST('2024-01-05', '2023-12-31')",
    "TO_SECONDS('2024-01-05')",
    'PERIOD_ADD(202401, 13)',
    'PERIOD_DIFF(202401, 202312)',
  ];
  for (const e of intervals) list.add(e, [], `SELECT ${e}`);
  const events = [
    'CREATE TABLE ev (id INT PRIMARY KEY, d DATE, dt DATETIME, ts TIMESTAMP NULL, tm TIME)',
    "INSERT INTO ev VALUES (1, '2024-02-03', '2024-02-03 10:00:00', '2024-02-03 10:00:00', '10:00:00'), (2, '2024-02-04', '2024-02-04 00:00:00', '2024-02-04 00:00:00', '23:59:59'), (3, '2023-12-31', '2023-12-31 23:59:59', NULL, '-01:00:00')",
  ];
  list.selects(events, [
    "SELECT id FROM ev WHERE d = '2024-02-03'",
    "SELECT id FROM ev WHERE d = '2024-2-3'",
    'SELECT id FROM ev WHERE d = 20240203',
    "SELECT id FROM ev WHERE dt = '2024-02-03 10:00'",
    "SELECT id FROM ev WHERE dt >= '2024-02-03' ORDER BY id",
    "SELECT id FROM ev WHERE d BETWEEN '2024-01-01' AND '2024-12-31' ORDER BY id",
    "SELECT id FROM ev WHERE DATE(dt) = '2024-02-04'",
    'SELECT id FROM ev ORDER BY d',
    'SELECT id FROM ev ORDER BY tm',
    'SELECT MIN(d), MAX(dt), MAX(tm) FROM ev',
    'SELECT d + INTERVAL 1 MONTH, dt - INTERVAL 1 HOUR FROM ev ORDER BY id',
    'SELECT DATEDIFF(dt, d) FROM ev ORDER BY id',
    "SELECT DATE_FORMAT(dt, '%W %M %e %Y') FROM ev ORDER BY id",
    'SELECT YEAR(d), MONTH(d), DAYOFWEEK(d) FROM ev ORDER BY id',
    'SELECT d, dt, ts, tm FROM ev ORDER BY id',
    'SELECT COUNT(*) FROM ev GROUP BY YEAR(d) ORDER BY YEAR(d)',
    'SELECT d = dt FROM ev ORDER BY id',
    'SELECT UNIX_TIMESTAMP(ts) FROM ev ORDER BY id',
    "SELECT CONCAT(d, ' ', tm) FROM ev ORDER BY id",
    'SELECT tm + 0, d + 0, dt + 0 FROM ev ORDER BY id',
    "SELECT id FROM ev WHERE d BETWEEN '2024-1-1' AND '2024-2-3' ORDER BY id",
    "SELECT e.id FROM ev AS e WHERE e.dt < '2024-2-4' ORDER BY e.id",
    "SELECT id FROM ev WHERE ts = '2024-02-03 10:00' OR d = 'not a date' ORDER BY id",
    "UPDATE ev SET tm = '01:00:00' WHERE d = '2024-2-4'",
    'SELECT d - 1, dt * 1, tm DIV 100 FROM ev ORDER BY id',
  ]);
  list.add(
    'DATE column given a DATETIME',
    ['CREATE TABLE t (d DATE)'],
    "INSERT INTO t VALUES ('2024-02-03 10:11:12')",
    "SELECT d, d = '2024-02-03' FROM t",
  );
  list.add(
    'DATETIME given a DATE',
    ['CREATE TABLE t (d DATETIME)'],
    "INSERT INTO t VALUES ('2024-02-03')",
    "SELECT d, d = '2024-02-03' FROM t",
  );
  list.add(
    'DATETIME(6) fraction',
    ['CREATE TABLE t (d DATETIME(6))'],
    "INSERT INTO t VALUES ('2024-02-03 10:11:12.5')",
    'SELECT d FROM t',
  );
  list.add(
    'DATETIME rounds fraction',
    ['CREATE TABLE t (d DATETIME)'],
    "INSERT INTO t VALUES ('2024-02-03 10:11:12.6')",
    'SELECT d FROM t',
  );
  list.add(
    'TIMESTAMP in session time zone',
    [
      "SET time_zone = '+00:00'",
      'CREATE TABLE t (ts TIMESTAMP NULL)',
      "INSERT INTO t VALUES ('2024-01-05 10:00:00')",
    ],
    "SET time_zone = '+02:00'",
    'SELECT ts FROM t',
  );
  list.add(
    'DATETIME ignores time zone',
    [
      "SET time_zone = '+00:00'",
      'CREATE TABLE t (dt DATETIME)',
      "INSERT INTO t VALUES ('2024-01-05 10:00:00')",
    ],
    "SET time_zone = '+02:00'",
    'SELECT dt FROM t',
  );
  list.add(
    'UNIX_TIMESTAMP in time zone',
    ["SET time_zone = '+03:00'"],
    "SELECT UNIX_TIMESTAMP('2024-01-01 00:00:00'), FROM_UNIXTIME(0)",
  );
  list.add(
    'time_zone variable',
    ["SET time_zone = '-05:00'"],
    'SELECT @@time_zone, @@session.time_zone',
  );
  list.add('bad time zone', [], "SET time_zone = 'Nowhere/City'");
  list.add('time zone offsets', [], "SET time_zone = '+5:30'", 'SELECT @@time_zone');
  list.add(
    'dates in arithmetic',
    [],
    "SELECT NOW() + 0 > 20240000000000, CURDATE() + 0 > 20240000, LAST_DAY('2024-02-10') + 0, TIME('10:11:12') + 0, DATE('2024-01-05') - 1",
  );
  list.add('time zone past +13:00', [], "SET time_zone = '+13:01'");
  list.add(
    'a date that does not exist in a strict INSERT',
    ['CREATE TABLE t (d DATE)'],
    "INSERT INTO t VALUES (DATE('2023-02-30'))",
  );
  list.add(
    'dates that do not exist',
    [],
    "SELECT MONTH('abc'), LAST_DAY('2024-02-30'), DATE('2024-01-05 25:00:00'), TO_DAYS('2024-02-30')",
  );
  list.add(
    'lax TIMESTAMP range',
    ["SET SESSION sql_mode = ''", 'CREATE TABLE t (ts TIMESTAMP NULL)'],
    "INSERT INTO t VALUES ('2040-01-01 00:00:00'), ('1970-01-01 00:00:01'), ('2038-01-19 03:14:07'), ('2038-01-19 03:14:08')",
    'SELECT ts FROM t',
  );
  list.add(
    'TIMESTAMP DEFAULT',
    [
      "SET time_zone = '+00:00'",
      "CREATE TABLE t (id INT, ts TIMESTAMP DEFAULT '2020-01-01 00:00:00')",
    ],
    'INSERT INTO t (id) VALUES (1)',
    'SELECT id, ts FROM t',
  );
  list.add(
    'TIMESTAMP range',
    ['CREATE TABLE t (ts TIMESTAMP NULL)'],
    "INSERT INTO t VALUES ('2040-01-01 00:00:00')",
    'SELECT ts FROM t',
  );
  list.add(
    'TIMESTAMP before 1970',
    ['CREATE TABLE t (ts TIMESTAMP NULL)'],
    "INSERT INTO t VALUES ('1960-01-01 00:00:00')",
    'SELECT ts FROM t',
  );
  list.add(
    'YEAR 2 digits',
    ['CREATE TABLE t (y YEAR)'],
    "INSERT INTO t VALUES ('69'), ('70'), (0), ('0')",
    'SELECT y FROM t',
  );
  list.add(
    'TIME out of range',
    ['CREATE TABLE t (c TIME)'],
    "INSERT INTO t VALUES ('900:00:00')",
    'SELECT c FROM t',
  );
  list.add(
    'prepared DATE param',
    ['CREATE TABLE t (d DATE)', "INSERT INTO t VALUES ('2024-01-05'), ('2024-01-06')"],
    { sql: 'SELECT d FROM t WHERE d = ?', params: ['2024-01-05'] },
  );
  list.add(
    'prepared DATETIME param',
    ['CREATE TABLE t (d DATETIME)', "INSERT INTO t VALUES ('2024-01-05 10:00:00')"],
    { sql: 'SELECT d FROM t WHERE d > ?', params: ['2024-01-05'] },
  );
  // A TIMESTAMP is stored in UTC and read, written and compared in the session's time_zone; a
  // DATETIME is stored as written.
  const zoned = [
    'CREATE TABLE z (id INT PRIMARY KEY, t TIMESTAMP(3) NULL, d DATETIME NULL)',
    "SET time_zone = '+00:00'",
    "INSERT INTO z VALUES (1, '2024-03-01 10:00:00.123', '2024-03-01 10:00:00'), (2, '2024-12-31 23:30:00', '2024-12-31 23:30:00'), (3, NULL, NULL), (4, '0000-00-00 00:00:00', NULL)",
    "SET time_zone = '+02:00'",
  ];
  list.selects(zoned, [
    'SELECT id, t, d FROM z ORDER BY id',
    "SELECT id FROM z WHERE t = '2024-03-01 12:00:00.123'",
    "SELECT id FROM z WHERE t > '2024-03-01 11:00:00' ORDER BY id",
    "SELECT id FROM z WHERE t BETWEEN '2025-01-01' AND '2025-01-02'",
    'SELECT id, DATE(t), HOUR(t), YEAR(t) FROM z ORDER BY id',
    "SELECT id, DATE_FORMAT(t, '%Y-%m-%d %H:%i') FROM z ORDER BY id",
    'SELECT id, t + INTERVAL 1 HOUR FROM z ORDER BY id',
    "SELECT FROM_UNIXTIME(0), FROM_UNIXTIME(86400, '%Y-%m-%d %H')",
    "SELECT UNIX_TIMESTAMP('2024-03-01 10:00:00')",
    'SELECT TIMEDIFF(NOW(), UTC_TIMESTAMP()), CURDATE() = DATE(NOW())',
    'SELECT @@time_zone, @@session.time_zone',
  ]);
  list.add(
    'TIMESTAMP written in one zone, read in another',
    [
      'CREATE TABLE z (id INT PRIMARY KEY, t TIMESTAMP NULL)',
      "SET time_zone = '-05:00'",
      "INSERT INTO z VALUES (1, '2024-06-01 08:00:00')",
      'UPDATE z SET t = t + INTERVAL 30 MINUTE',
      'INSERT INTO z SELECT 2, t FROM z',
      "SET time_zone = '+05:30'",
    ],
    'SELECT id, t FROM z ORDER BY id',
  );
  list.add(
    'TIMESTAMP zone stays per session',
    ['CREATE TABLE z (t TIMESTAMP NULL)', "INSERT INTO z VALUES ('2024-06-01 08:00:00')"],
    "SET time_zone = '+01:00'",
    'SELECT t FROM z',
    "SET time_zone = 'SYSTEM'",
    'SELECT t FROM z',
  );
  list.add('time_zone out of range', [], "SET time_zone = '+14:00'");
  // Under a time_zone, a function call's arguments bind their parameters once (was 1105).
  list.add(
    'function arguments under a time_zone',
    [
      'CREATE TABLE u (id INT PRIMARY KEY, name VARCHAR(9), profile JSON)',
      'INSERT INTO u VALUES (1, \'a\', \'{"city": "Paris"}\'), (2, \'b\', \'{"city": "Oslo"}\')',
      "SET time_zone = '+02:00'",
    ],
    "SELECT name FROM u WHERE json_unquote(json_extract(profile, '$.city')) = 'Paris'",
    "SELECT CONCAT(name, '-', id), LENGTH(name) FROM u WHERE id > 0 ORDER BY id",
  );
  // NULL given to a TIMESTAMP NOT NULL stores the current time, whatever its DEFAULT and the
  // time_zone (an app's "updated = NULL" was 1048); one left out without a default is 1364.
  list.add(
    'NULL into a TIMESTAMP NOT NULL is the current time',
    [
      "CREATE TABLE tn (id INT PRIMARY KEY, t TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, u TIMESTAMP(3) NOT NULL DEFAULT '2001-01-01 00:00:00', w TIMESTAMP NOT NULL)",
    ],
    'SELECT @@explicit_defaults_for_timestamp',
    'INSERT INTO tn VALUES (1, NULL, NULL, NULL)',
    'INSERT INTO tn VALUES (2, NULL, NULL, NULL), (3, NULL, NULL, NULL)',
    'INSERT INTO tn SELECT 4, NULL, NULL, NULL',
    "SET time_zone = '+05:00'",
    'INSERT INTO tn (id, w) VALUES (5, NULL)',
    "UPDATE tn SET u = '2002-02-02', w = '2002-02-02' WHERE id = 1",
    'UPDATE tn SET u = NULL WHERE id = 1',
    'SELECT id, ABS(TIMESTAMPDIFF(SECOND, t, NOW())) < 60, ABS(TIMESTAMPDIFF(SECOND, u, NOW())) < 60, ABS(TIMESTAMPDIFF(SECOND, w, NOW())) < 60 FROM tn ORDER BY id',
    'INSERT INTO tn (id) VALUES (6)',
    'SET explicit_defaults_for_timestamp = 1',
  );
  // A temporal column's literal DEFAULT is stored in its canonical form, whether the column is
  // left out or given DEFAULT (it was kept as written: `= '2001-01-05'` missed those rows).
  list.add(
    'a temporal DEFAULT is stored in its canonical form',
    [
      "CREATE TABLE tdd (id INT, a DATETIME DEFAULT '2001-01-01', b DATETIME(3) DEFAULT '2001-01-01 10:00:00', e DATE DEFAULT '2001-1-5', f TIME(1) DEFAULT '10:00')",
    ],
    'INSERT INTO tdd (id) VALUES (1)',
    'INSERT INTO tdd VALUES (2, DEFAULT, DEFAULT, DEFAULT, DEFAULT)',
    'INSERT INTO tdd () VALUES ()',
    'SELECT id, CAST(a AS CHAR), CAST(b AS CHAR), CAST(e AS CHAR), CAST(f AS CHAR) FROM tdd ORDER BY id',
    "SELECT COUNT(*) FROM tdd WHERE e = '2001-01-05'",
    "ALTER TABLE tdd ADD COLUMN g DATETIME(2) DEFAULT '2002-2-2 1:2:3'",
    "ALTER TABLE tdd ALTER COLUMN e SET DEFAULT '2003-3-3'",
    'INSERT INTO tdd (id) VALUES (3)',
    'SELECT id, CAST(e AS CHAR), CAST(g AS CHAR) FROM tdd ORDER BY id',
  );
  // `d + INTERVAL …` is a date, compared with a string as dates (it was read as a number: no
  // rows, a 1292 per row); DATE_ADD was right.
  list.add(
    'date arithmetic compared with strings',
    [
      'CREATE TABLE iv (id INT PRIMARY KEY, d DATE, dt DATETIME)',
      "INSERT INTO iv VALUES (1, '2024-03-01', '2024-03-01 10:00:00'), (2, '2024-01-31', '2024-01-31 23:30:00')",
    ],
    "SELECT id FROM iv WHERE d + INTERVAL 1 MONTH = '2024-04-01'",
    "SELECT id, d + INTERVAL 1 MONTH > '2024-03-15', dt + INTERVAL 1 HOUR = '2024-02-01 00:30:00', d - INTERVAL 1 DAY IN ('2024-02-29', '2024-01-30') FROM iv ORDER BY id",
    "SELECT id FROM iv WHERE dt + INTERVAL 30 MINUTE >= '2024-02-01' ORDER BY id",
  );
  // The date functions and comparisons read a date in any form a DATE column takes
  // ('20240506', '2024/05/06'); they answered NULL with 1292.
  list.add(
    'compact and slashed dates in functions and comparisons',
    [
      'CREATE TABLE cd (id INT PRIMARY KEY, d DATE, dt DATETIME)',
      "INSERT INTO cd VALUES (1, '20240506', '20240506101112'), (2, '2024/05/06', '2024/05/06 10:11:12'), (3, '2024.5.6', '24-5-6 1:2:3')",
    ],
    'SELECT * FROM cd ORDER BY id',
    "SELECT DATE('20240506'), DATE('2024/05/06'), DATEDIFF('20240506', '2024-05-01'), DATE_ADD('20240506', INTERVAL 1 DAY), DAYOFWEEK('2024/05/06'), '20240506' + INTERVAL 1 DAY",
    "SELECT id FROM cd WHERE d = '20240506' ORDER BY id",
    "SELECT id FROM cd WHERE d BETWEEN '2024/05/01' AND '2024/05/31' ORDER BY id",
    "SELECT HOUR('10:11:12'), TIME_TO_SEC('10:11:12'), YEAR('240506')",
  );
  // Date arithmetic kept milliseconds only (a JS Date's): `d + INTERVAL 1 MICROSECOND` wrote
  // .123000 into a DATETIME(6) holding .123456; TIMEDIFF and TIME dropped the fraction,
  // EXTRACT(MICROSECOND) and the *_MICROSECOND intervals answered NULL.
  list.add(
    'DATETIME(6) arithmetic keeps microseconds',
    [
      'CREATE TABLE us (id INT PRIMARY KEY, d DATETIME(6), t TIMESTAMP(6) NULL, tm TIME(6))',
      "INSERT INTO us VALUES (1, '2024-01-01 10:00:00.123456', '2024-01-01 10:00:00.123456', '10:00:00.123456')",
    ],
    'UPDATE us SET d = d + INTERVAL 1 MICROSECOND, t = t - INTERVAL 1.5 SECOND',
    "SELECT d, t, MICROSECOND(d), DATE_FORMAT(d, '%f') FROM us",
    "SELECT ADDTIME(d, '00:00:00.000001'), SUBTIME(d, '01:00:00.5'), TIMESTAMP(d, '00:00:01.000002'), TIMESTAMPDIFF(MICROSECOND, '2024-01-01 10:00:00', d) FROM us",
    "SELECT CAST('2024-01-01 10:00:00.123456' AS DATETIME(6)), DATE_ADD(d, INTERVAL '1.000001' SECOND_MICROSECOND), d - INTERVAL 999999 MICROSECOND, '2008-12-31 23:59:59' + INTERVAL '1.5' SECOND_MICROSECOND FROM us",
    "SELECT DATE_ADD('2024-01-01 23:59:59.999999', INTERVAL 1 MICROSECOND), '2024-01-01 10:00:00' + INTERVAL 1.5 SECOND, '2024-01-01 10:00:00.000' + INTERVAL 1 DAY, DATE_ADD('2024-01-01', INTERVAL 1 MICROSECOND)",
    "SELECT TIMEDIFF('2024-01-01 10:00:00.5', '2024-01-01 09:00:00'), TIME('10:00:00.123456'), TIMEDIFF('09:00:00', '10:00:00.25'), EXTRACT(MICROSECOND FROM '2024-01-01 10:00:00.123456'), EXTRACT(SECOND_MICROSECOND FROM '2024-01-01 10:00:05.123456'), EXTRACT(WEEK FROM '2024-12-31')",
    'SELECT LENGTH(CURTIME(6)), LENGTH(CURTIME(3))',
  );
  return list;
}
