// Goal: an app built on Drizzle (drizzle-orm's mysql2 driver) behaves on a trireme cluster as on
// MariaDB. Method: one workflow — drizzle's migrator on an empty schema, then a later migration
// on the schema with rows (the SQL files drizzle-kit would write, written here, since drizzle-kit
// is not needed to apply them), typed inserts and selects, joins, JSON columns, relational
// queries, transactions committed and rolled back, raw SQL, writes through a second node — run
// on 3 real nodes and on a private mariadbd (orm-harness.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, asc, count, desc, eq, gt, relations, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/mysql2';
import { migrate } from 'drizzle-orm/mysql2/migrator';
import { decimal, int, json, mysqlTable, primaryKey, text, varchar } from 'drizzle-orm/mysql-core';
import mysql from 'mysql2/promise';
import { removeDir, tempDir } from '../support/index.js';
import { ormSuite, type Endpoint, type Target } from './orm-harness.js';

const users = mysqlTable('users', {
  id: int('id').autoincrement().primaryKey(),
  email: varchar('email', { length: 191 }).notNull().unique(),
  name: varchar('name', { length: 100 }).notNull(),
  profile: json('profile').$type<{ city: string; langs: string[] } | null>(),
});
const posts = mysqlTable('posts', {
  id: int('id').autoincrement().primaryKey(),
  userId: int('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  title: varchar('title', { length: 250 }).notNull(),
  body: text('body'),
  price: decimal('price', { precision: 10, scale: 2 }).notNull().default('0'),
});
const tags = mysqlTable('tags', {
  id: int('id').autoincrement().primaryKey(),
  label: varchar('label', { length: 50 }).notNull().unique(),
});
const postTags = mysqlTable(
  'post_tags',
  {
    postId: int('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    tagId: int('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.postId, t.tagId] })],
);
const usersRelations = relations(users, ({ many }) => ({ posts: many(posts) }));
const postsRelations = relations(posts, ({ one, many }) => ({
  author: one(users, { fields: [posts.userId], references: [users.id] }),
  postTags: many(postTags),
}));
const postTagsRelations = relations(postTags, ({ one }) => ({
  post: one(posts, { fields: [postTags.postId], references: [posts.id] }),
  tag: one(tags, { fields: [postTags.tagId], references: [tags.id] }),
}));
const schema = { users, posts, tags, postTags, usersRelations, postsRelations, postTagsRelations };

/** The migrations drizzle-kit generates for the schema above, in its folder layout. */
const MIGRATIONS: ReadonlyArray<readonly [string, string]> = [
  [
    '0000_init',
    [
      'CREATE TABLE `users` (`id` int AUTO_INCREMENT NOT NULL, `email` varchar(191) NOT NULL, `name` varchar(100) NOT NULL, `profile` json, CONSTRAINT `users_id` PRIMARY KEY(`id`), CONSTRAINT `users_email_unique` UNIQUE(`email`))',
      'CREATE TABLE `posts` (`id` int AUTO_INCREMENT NOT NULL, `user_id` int NOT NULL, `title` varchar(200) NOT NULL, `body` text, CONSTRAINT `posts_id` PRIMARY KEY(`id`))',
      'ALTER TABLE `posts` ADD CONSTRAINT `posts_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action',
    ].join('\n--> statement-breakpoint\n'),
  ],
  [
    '0001_tags_price',
    [
      'CREATE TABLE `tags` (`id` int AUTO_INCREMENT NOT NULL, `label` varchar(50) NOT NULL, CONSTRAINT `tags_id` PRIMARY KEY(`id`), CONSTRAINT `tags_label_unique` UNIQUE(`label`))',
      'CREATE TABLE `post_tags` (`post_id` int NOT NULL, `tag_id` int NOT NULL, CONSTRAINT `post_tags_post_id_tag_id_pk` PRIMARY KEY(`post_id`,`tag_id`))',
      'ALTER TABLE `posts` MODIFY COLUMN `title` varchar(250) NOT NULL',
      "ALTER TABLE `posts` ADD `price` decimal(10,2) DEFAULT '0' NOT NULL",
      'ALTER TABLE `post_tags` ADD CONSTRAINT `post_tags_post_id_posts_id_fk` FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON DELETE cascade ON UPDATE no action',
      'ALTER TABLE `post_tags` ADD CONSTRAINT `post_tags_tag_id_tags_id_fk` FOREIGN KEY (`tag_id`) REFERENCES `tags`(`id`) ON DELETE cascade ON UPDATE no action',
    ].join('\n--> statement-breakpoint\n'),
  ],
];

/** A drizzle-kit migrations folder holding the first `n` migrations. */
function migrationsFolder(dir: string, n: number): string {
  const folder = join(dir, `m${n}`);
  mkdirSync(join(folder, 'meta'), { recursive: true });
  const entries = MIGRATIONS.slice(0, n).map(([tag, body], idx) => {
    writeFileSync(join(folder, `${tag}.sql`), body);
    return { idx, version: '5', when: 1_700_000_000_000 + idx, tag, breakpoints: true };
  });
  writeFileSync(
    join(folder, 'meta', '_journal.json'),
    JSON.stringify({ version: '7', dialect: 'mysql', entries }),
  );
  return folder;
}

/**
 * A write's answer as drizzle hands it over (mysql2's ResultSetHeader), but its `info` text:
 * trireme's OK packet for an UPDATE reaches mysql2 as "(Rows matched: …", with a stray first
 * character, where MariaDB's reads "Rows matched: …" (listed in docs/design/orm.md).
 */
function header(result: [mysql.ResultSetHeader, unknown]): unknown {
  const { info: _info, ...rest } = result[0];
  return rest;
}

function connect(target: Target, node: Endpoint): mysql.Pool {
  return mysql.createPool({
    host: '127.0.0.1',
    port: node.port,
    user: 'root',
    password: '',
    database: target.database,
    connectionLimit: 4,
  });
}

ormSuite('Drizzle on a 3-node cluster and on MariaDB', 'orm_drizzle', async (target, observe) => {
  const pool1 = connect(target, target.nodes[0]);
  const pool2 = connect(target, target.nodes[1]);
  const db = drizzle(pool1, { schema, mode: 'default' });
  const other = drizzle(pool2, { schema, mode: 'default' });
  const dir = tempDir('trireme-drizzle-');
  try {
    await migrate(db, { migrationsFolder: migrationsFolder(dir, 1) });
    const [applied] = await db.execute(sql`SELECT id, hash FROM __drizzle_migrations ORDER BY id`);
    observe('migrations after the first', (applied as unknown as unknown[]).length);

    observe(
      'insert',
      header(
        await db.insert(users).values({
          email: 'ada@example.com',
          name: 'Ada',
          profile: { city: 'London', langs: ['en', 'fr'] },
        }),
      ),
    );
    observe('count on node 2', await other.select({ n: count() }).from(users));
    await other.insert(users).values([
      { email: 'bob@example.com', name: 'Bob', profile: { city: 'Paris', langs: ['fr'] } },
      { email: 'cy@example.com', name: 'Cy', profile: null },
    ]);
    await db.execute(sql`INSERT INTO posts (user_id, title, body) VALUES (1, 'Hello', 'first')`);

    // The next release's migration, on the schema that holds rows.
    await migrate(db, { migrationsFolder: migrationsFolder(dir, 2) });
    const [appliedAgain] = await db.execute(sql`SELECT COUNT(*) AS n FROM __drizzle_migrations`);
    observe('migrations after the second', appliedAgain);
    observe('columns of posts', (await db.execute(sql`SHOW COLUMNS FROM posts`))[0]);

    // `profile` as drizzle maps it: its json() column leaves parsing to the driver, and mysql2
    // parses what MariaDB's extended column metadata marks as JSON (trireme sends it too).
    observe(
      'users',
      await db
        .select({
          id: users.id,
          email: users.email,
          name: users.name,
          profile: users.profile,
        })
        .from(users)
        .orderBy(asc(users.id)),
    );
    observe(
      'JSON path',
      await db
        .select({
          name: users.name,
          city: sql<string>`JSON_UNQUOTE(JSON_EXTRACT(${users.profile}, '$.city'))`,
        })
        .from(users)
        .where(sql`JSON_CONTAINS(${users.profile}, '"fr"', '$.langs')`)
        .orderBy(desc(users.name)),
    );

    await db.transaction(async (tx) => {
      await tx.update(posts).set({ price: '9.50' }).where(eq(posts.id, 1));
      await tx.insert(tags).values([{ label: 'intro' }, { label: 'news' }]);
      await tx.insert(postTags).values([
        { postId: 1, tagId: 1 },
        { postId: 1, tagId: 2 },
      ]);
    });
    const failed = await db
      .transaction(async (tx) => {
        await tx.insert(postTags).values({ postId: 1, tagId: 1 }); // duplicate key
      })
      .then(
        () => 'committed',
        (e: { cause?: { code?: string } }) => e.cause?.code ?? 'error',
      );
    observe('failed transaction', failed);
    observe('links after rollback', await db.select({ n: count() }).from(postTags));
    await db.insert(posts).values({ userId: 2, title: 'Bonjour', body: 'deux' });

    observe(
      'join',
      await db
        .select({ title: posts.title, author: users.name, price: posts.price })
        .from(posts)
        .innerJoin(users, eq(users.id, posts.userId))
        .orderBy(asc(posts.id)),
    );
    // Not drizzle's relational queries (db.query.….findMany({ with })): in either mode they
    // refer to the outer row from inside a derived table, which MariaDB refuses (1054 Unknown
    // column 'posts.user_id'); trireme answers them. The many-to-many read as a join instead:
    observe(
      'many-to-many through post_tags',
      await db
        .select({ post: posts.title, tag: tags.label })
        .from(posts)
        .leftJoin(postTags, eq(postTags.postId, posts.id))
        .leftJoin(tags, eq(tags.id, postTags.tagId))
        .orderBy(asc(posts.id), asc(tags.label)),
    );
    observe(
      'update on node 2',
      header(await other.update(users).set({ name: 'Bob B.' }).where(eq(users.id, 2))),
    );
    observe(
      'update with a condition',
      header(
        await db
          .update(posts)
          .set({ price: sql`${posts.price} + 1` })
          .where(and(gt(posts.price, '0'), eq(posts.userId, 1))),
      ),
    );
    observe(
      'upsert',
      header(
        await db
          .insert(tags)
          .values({ label: 'howto' })
          .onDuplicateKeyUpdate({ set: { label: sql`VALUES(label)` } }),
      ),
    );
    observe(
      'raw',
      (await db.execute(sql`SELECT COUNT(*) AS n, SUM(price) AS total FROM posts`))[0],
    );
    observe('delete', header(await db.delete(users).where(eq(users.id, 1))));
    observe(
      'posts left',
      await db.select({ id: posts.id, title: posts.title }).from(posts).orderBy(asc(posts.id)),
    );
    observe('links left', await db.select().from(postTags));
  } finally {
    removeDir(dir);
    await Promise.all([pool1.end(), pool2.end()]);
  }
});
