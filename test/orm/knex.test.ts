// Goal: an app built on Knex 3 (mysql2 driver) behaves on a trireme cluster as on MariaDB.
// Method: one workflow — migrations on an empty then an existing schema, inserts, joins, JSON,
// transactions committed and rolled back, raw queries, writes through a second node, the schema
// as Knex reflects it — run on 3 real nodes and on a private mariadbd (orm-harness.ts).
import knexFactory, { type Knex } from 'knex';
import { ormSuite, type Endpoint, type Target } from './orm-harness.js';

type Migration = { readonly name: string } & Knex.Migration;

const FIRST: readonly Migration[] = [
  {
    name: '001_users_posts',
    async up(k) {
      await k.schema.createTable('users', (t) => {
        t.increments('id');
        t.string('email', 191).notNullable().unique();
        t.string('name', 100).notNullable();
        t.json('profile');
        t.timestamps(true, true);
      });
      await k.schema.createTable('posts', (t) => {
        t.increments('id');
        t.integer('user_id')
          .unsigned()
          .notNullable()
          .references('id')
          .inTable('users')
          .onDelete('CASCADE');
        t.string('title', 200).notNullable();
        t.text('body');
        t.decimal('price', 10, 2).defaultTo(0);
        t.index(['user_id', 'title']);
      });
    },
    async down(k) {
      await k.schema.dropTable('posts');
      await k.schema.dropTable('users');
    },
  },
  {
    name: '002_tags',
    async up(k) {
      await k.schema.createTable('tags', (t) => {
        t.increments('id');
        t.string('label', 50).notNullable().unique();
      });
      await k.schema.createTable('post_tags', (t) => {
        t.integer('post_id').unsigned().notNullable().references('posts.id').onDelete('CASCADE');
        t.integer('tag_id').unsigned().notNullable().references('tags.id').onDelete('CASCADE');
        t.primary(['post_id', 'tag_id']);
      });
    },
    async down(k) {
      await k.schema.dropTable('post_tags');
      await k.schema.dropTable('tags');
    },
  },
];

// Deployed later, on a schema that already holds rows.
const SECOND: readonly Migration[] = [
  ...FIRST,
  {
    name: '003_published',
    async up(k) {
      await k.schema.alterTable('posts', (t) => {
        t.boolean('published').notNullable().defaultTo(false);
        t.string('title', 250).notNullable().alter();
        t.index(['published'], 'posts_published_idx');
      });
      await k('posts').update({ published: true }).where('price', '>', 0);
    },
    async down(k) {
      await k.schema.alterTable('posts', (t) => {
        t.dropIndex(['published'], 'posts_published_idx');
        t.dropColumn('published');
      });
    },
  },
];

function source(migrations: readonly Migration[]): Knex.MigrationSource<Migration> {
  return {
    getMigrations: () => Promise.resolve([...migrations]),
    getMigrationName: (m) => m.name,
    getMigration: (m) => Promise.resolve(m),
  };
}

function connect(target: Target, node: Endpoint): Knex {
  return knexFactory({
    client: 'mysql2',
    connection: {
      host: '127.0.0.1',
      port: node.port,
      user: 'root',
      password: '',
      database: target.database,
    },
    pool: { min: 0, max: 4 },
  });
}

ormSuite('Knex 3 on a 3-node cluster and on MariaDB', 'orm_knex', async (target, observe) => {
  const db = connect(target, target.nodes[0]);
  const other = connect(target, target.nodes[1]);
  try {
    observe(
      'migrate latest (empty schema)',
      await db.migrate.latest({ migrationSource: source(FIRST) }),
    );
    observe('has table users', await db.schema.hasTable('users'));

    const ids = await db('users').insert([
      {
        email: 'ada@example.com',
        name: 'Ada',
        profile: JSON.stringify({ city: 'London', langs: ['en', 'fr'] }),
      },
    ]);
    observe('insert users', ids);
    // Node 2 reads before it writes: its read waits (wsrep_sync_wait) until it applied node 1's
    // row, so its AUTO_INCREMENT values start above it. Written at once, the batch could race
    // the apply, take ids 1-2, meet node 1's key in flight, run again and take 3-4.
    observe('count on node 2', await other('users').count({ n: '*' }));
    observe(
      'insert users on node 2',
      await other('users').insert([
        {
          email: 'bob@example.com',
          name: 'Bob',
          profile: JSON.stringify({ city: 'Paris', langs: ['fr'] }),
        },
        { email: 'cy@example.com', name: 'Cy', profile: null },
      ]),
    );
    // `profile` arrives parsed: MariaDB (and trireme) mark a JSON column's values as JSON in the
    // extended column metadata (MARIADB_CLIENT_EXTENDED_METADATA), which mysql2 asks for.
    observe('users', await db('users').select('id', 'email', 'name', 'profile').orderBy('id'));
    observe(
      'JSON path',
      await db('users')
        .select('name', db.raw("JSON_UNQUOTE(JSON_EXTRACT(profile, '$.city')) AS city"))
        .whereRaw("JSON_CONTAINS(profile, '\"fr\"', '$.langs')")
        .orderBy('name'),
    );
    observe(
      'jsonExtract',
      await db('users').jsonExtract('profile', '$.langs[0]', 'lang').orderBy('id'),
    );

    // A transaction that commits: a post, its tags and the join rows.
    await db.transaction(async (trx) => {
      const [postId] = await trx('posts').insert({
        user_id: 1,
        title: 'Hello',
        body: 'first',
        price: '9.50',
      });
      await trx('tags').insert([{ label: 'intro' }, { label: 'news' }]);
      const tags = await trx('tags').select('id').orderBy('id');
      await trx('post_tags').insert(
        tags.map((t: { id: number }) => ({ post_id: postId, tag_id: t.id })),
      );
    });
    // A transaction that fails half way rolls back.
    const failed = await db
      .transaction(async (trx) => {
        await trx('posts').insert({ user_id: 2, title: 'Lost', body: null });
        await trx('tags').insert({ label: 'intro' }); // duplicate label
      })
      .then(
        () => 'committed',
        (e: { code?: string; errno?: number }) => `${e.code} ${e.errno}`,
      );
    observe('failed transaction', failed);
    observe('posts after rollback', await db('posts').count({ n: '*' }));
    // On node 1: the rolled-back insert used up id 2 there, as InnoDB's counter does on MariaDB
    // (on a Galera node 2 the next id would still be 2: counters are per node).
    await db('posts').insert({ user_id: 2, title: 'Bonjour', body: 'deux', price: 0 });

    observe(
      'posts with author and tags',
      await db('posts as p')
        .join('users as u', 'u.id', 'p.user_id')
        .leftJoin('post_tags as pt', 'pt.post_id', 'p.id')
        .leftJoin('tags as t', 't.id', 'pt.tag_id')
        .select('p.id', 'p.title', 'u.name', 'p.price')
        .select(db.raw("GROUP_CONCAT(t.label ORDER BY t.label SEPARATOR ',') AS tags"))
        .groupBy('p.id', 'p.title', 'u.name', 'p.price')
        .orderBy('p.id'),
    );
    observe(
      'aggregate',
      await db('posts')
        .select('user_id')
        .count({ n: '*' })
        .sum({ total: 'price' })
        .groupBy('user_id')
        .orderBy('user_id'),
    );
    observe('update on node 2', await other('users').where('id', 2).update({ name: 'Bob B.' }));
    observe('update none', await db('users').where('id', 99).update({ name: 'nobody' }));
    observe('increment', await db('posts').where('id', 1).increment('price', 1));
    // Not the insert id Knex returns for it: on an existing row MariaDB answers 0 (unchanged)
    // or that row's id (changed), trireme the AUTO_INCREMENT value it had set aside for the row
    // (which it also gives to LAST_INSERT_ID()). Listed in docs/design/orm.md.
    await db('tags').insert({ label: 'news' }).onConflict('label').merge({ label: 'news' });
    await db('tags').insert({ label: 'howto' }).onConflict('label').merge({ label: 'howto' });
    observe('tags after upserts', await db('tags').select('id', 'label').orderBy('id'));
    // mysql2's answer through Knex: [rows, fields].
    const [rawRows] = (await db.raw(
      'SELECT COUNT(*) AS n, MAX(id) AS top FROM users WHERE name LIKE ?',
      ['%B%'],
    )) as [unknown, unknown];
    observe('raw', rawRows);
    observe('first', await db('users').where({ email: 'cy@example.com' }).first('id', 'name'));
    observe('paginate', await db('users').select('id').orderBy('id', 'desc').limit(2).offset(1));

    // The second deployment: a migration on the existing schema, then a rollback of it.
    observe(
      'migrate latest (existing schema)',
      await db.migrate.latest({ migrationSource: source(SECOND) }),
    );
    observe('migrations table', await db('knex_migrations').select('name', 'batch').orderBy('id'));
    observe('columns of posts', await db('posts').columnInfo());
    observe('published', await db('posts').select('id', 'published').orderBy('id'));
    observe('has column published', await db.schema.hasColumn('posts', 'published'));
    observe('rollback', await db.migrate.rollback({ migrationSource: source(SECOND) }));
    observe('has column published after rollback', await db.schema.hasColumn('posts', 'published'));
    await db.migrate.latest({ migrationSource: source(SECOND) });

    // Cascading delete through the foreign keys.
    observe('delete user', await db('users').where('id', 1).del());
    observe('post_tags after cascade', await db('post_tags').count({ n: '*' }));
    observe('posts left', await db('posts').select('id', 'title', 'published').orderBy('id'));
  } finally {
    await Promise.all([db.destroy(), other.destroy()]);
  }
});
