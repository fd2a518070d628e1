// Goal: an app built on TypeORM (mysql2 driver) behaves on a trireme cluster as on MariaDB.
// Method: one workflow — a migration on an empty schema, synchronize() on the existing one,
// entities (EntitySchema, no decorators) with many-to-one and many-to-many relations loaded
// eagerly, JSON columns, transactions committed and rolled back, the query builder and raw
// queries, writes through a second node, tables as TypeORM reflects them — run on 3 real nodes
// and on a private mariadbd (orm-harness.ts).
import 'reflect-metadata';
import {
  DataSource,
  EntitySchema,
  Table,
  TableForeignKey,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm';
import { ormSuite, type Endpoint, type Target } from './orm-harness.js';

interface User {
  id: number;
  email: string;
  name: string;
  profile: unknown;
  posts?: Post[];
}
interface Post {
  id: number;
  title: string;
  body: string | null;
  price: string;
  author?: User;
  tags?: Tag[];
}
interface Tag {
  id: number;
  label: string;
}

const UserEntity = new EntitySchema<User>({
  name: 'User',
  tableName: 'users',
  columns: {
    id: { type: 'int', primary: true, generated: 'increment' },
    email: { type: 'varchar', length: 191, unique: true },
    name: { type: 'varchar', length: 100 },
    profile: { type: 'json', nullable: true },
  },
  relations: { posts: { type: 'one-to-many', target: 'Post', inverseSide: 'author' } },
});

const PostEntity = new EntitySchema<Post>({
  name: 'Post',
  tableName: 'posts',
  columns: {
    id: { type: 'int', primary: true, generated: 'increment' },
    title: { type: 'varchar', length: 200 },
    body: { type: 'text', nullable: true },
    price: { type: 'decimal', precision: 10, scale: 2, default: 0 },
  },
  relations: {
    author: {
      type: 'many-to-one',
      target: 'User',
      joinColumn: { name: 'user_id' },
      onDelete: 'CASCADE',
      inverseSide: 'posts',
    },
    tags: { type: 'many-to-many', target: 'Tag', joinTable: { name: 'post_tags' } },
  },
});

const TagEntity = new EntitySchema<Tag>({
  name: 'Tag',
  tableName: 'tags',
  columns: {
    id: { type: 'int', primary: true, generated: 'increment' },
    label: { type: 'varchar', length: 50, unique: true },
  },
});

/** The first release's schema, as a hand-written migration: users and posts only. */
class Init1700000000000 implements MigrationInterface {
  name = 'Init1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'users',
        columns: [
          {
            name: 'id',
            type: 'int',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'email', type: 'varchar', length: '191', isUnique: true },
          { name: 'name', type: 'varchar', length: '100' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'posts',
        columns: [
          {
            name: 'id',
            type: 'int',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'title', type: 'varchar', length: '200' },
          { name: 'body', type: 'text', isNullable: true },
          { name: 'user_id', type: 'int', isNullable: true },
        ],
      }),
    );
    await q.createForeignKey(
      'posts',
      new TableForeignKey({
        columnNames: ['user_id'],
        referencedTableName: 'users',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
  }
  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('posts');
    await q.dropTable('users');
  }
}

function connect(target: Target, node: Endpoint): DataSource {
  return new DataSource({
    type: 'mysql',
    host: '127.0.0.1',
    port: node.port,
    username: 'root',
    password: '',
    database: target.database,
    entities: [UserEntity, PostEntity, TagEntity],
    migrations: [Init1700000000000],
    logging: false,
    poolSize: 4,
  });
}

/** Tables as TypeORM reads them back (what synchronize() compares the entities with). */
async function reflect(ds: DataSource): Promise<unknown> {
  const runner = ds.createQueryRunner();
  try {
    const tables = await runner.getTables(['users', 'posts', 'tags', 'post_tags']);
    return tables
      .map((t) => ({
        name: t.name,
        // Sorted by name: TypeORM reads information_schema.COLUMNS through `SELECT … UNION
        // SELECT …` (one per table) without ORDER BY; MariaDB's UNION keeps the rows in the
        // order first seen (ordinal order), SQLite's sorts them while removing duplicates, so
        // trireme returns a table's columns in name order. Listed in docs/design/orm.md.
        columns: [...t.columns]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((c) => ({
            name: c.name,
            type: c.type,
            length: c.length,
            precision: c.precision,
            scale: c.scale,
            nullable: c.isNullable,
            primary: c.isPrimary,
            generated: c.isGenerated,
            unique: c.isUnique,
            default: c.default as unknown,
          })),
        indices: t.indices
          .map((i) => ({ columns: i.columnNames, unique: i.isUnique }))
          .sort((a, b) => a.columns.join().localeCompare(b.columns.join())),
        foreignKeys: t.foreignKeys
          .map((f) => ({
            columns: f.columnNames,
            references: f.referencedTableName,
            onDelete: f.onDelete,
          }))
          .sort((a, b) => a.columns.join().localeCompare(b.columns.join())),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  } finally {
    await runner.release();
  }
}

ormSuite('TypeORM on a 3-node cluster and on MariaDB', 'orm_typeorm', async (target, observe) => {
  const db = connect(target, target.nodes[0]);
  const other = connect(target, target.nodes[1]);
  await db.initialize();
  try {
    observe(
      'migrations (empty schema)',
      (await db.runMigrations()).map((m) => m.name),
    );
    observe('pending after', await db.showMigrations());
    // The next release: the entities add a JSON column, a decimal, a table and a join table.
    await db.synchronize();
    observe('tables after synchronize (existing schema)', await reflect(db));
    await other.initialize();

    const users = db.getRepository(UserEntity);
    const posts = db.getRepository(PostEntity);
    const tags = db.getRepository(TagEntity);
    observe(
      'save',
      await users.save({
        email: 'ada@example.com',
        name: 'Ada',
        profile: { city: 'London', langs: ['en', 'fr'] },
      }),
    );
    // Node 2 reads before it writes: its read waits (wsrep_sync_wait) until it applied node 1's
    // row, so its AUTO_INCREMENT values start above it. Written at once, the batch could race
    // the apply, take ids 1-2, meet node 1's key in flight, run again and take 3-4.
    observe('count on node 2', await other.getRepository(UserEntity).count());
    observe(
      'insert on node 2',
      (
        await other.getRepository(UserEntity).insert([
          { email: 'bob@example.com', name: 'Bob', profile: { city: 'Paris', langs: ['fr'] } },
          { email: 'cy@example.com', name: 'Cy' },
        ])
      ).identifiers,
    );
    const [intro, news] = await tags.save([
      { label: 'intro' },
      { label: 'news' },
      { label: 'howto' },
    ]);

    await db.transaction(async (manager) => {
      const ada = await manager.findOneByOrFail(UserEntity, { email: 'ada@example.com' });
      await manager.save(PostEntity, {
        title: 'Hello',
        body: 'first',
        price: '9.50',
        author: ada,
        tags: [intro!, news!],
      });
    });
    const failed = await db
      .transaction(async (manager) => {
        await manager.save(PostEntity, { title: 'Lost', author: { id: 2 } as User });
        await manager.insert(TagEntity, { label: 'intro' });
      })
      .then(
        () => 'committed',
        (e: { code?: string }) => e.code ?? 'error',
      );
    observe('failed transaction', failed);
    observe('posts after rollback', await posts.count());
    await posts.save({ title: 'Bonjour', body: 'deux', author: { id: 2 } as User, tags: [news!] });

    observe(
      'eager relations (many-to-one, many-to-many)',
      await posts.find({
        relations: { author: true, tags: true },
        order: { id: 'ASC', tags: { label: 'ASC' } },
      }),
    );
    observe(
      'one-to-many',
      await users.find({
        relations: { posts: true },
        select: { id: true, name: true, posts: { id: true, title: true } },
        order: { id: 'ASC' },
      }),
    );
    observe(
      'query builder with JSON',
      await users
        .createQueryBuilder('u')
        .select(['u.name AS name', "JSON_UNQUOTE(JSON_EXTRACT(u.profile, '$.city')) AS city"])
        .where("JSON_CONTAINS(u.profile, :lang, '$.langs')", { lang: '"fr"' })
        .orderBy('u.id')
        .getRawMany(),
    );
    observe(
      'join and group',
      await tags
        .createQueryBuilder('t')
        .leftJoin('post_tags', 'pt', 'pt.tagsId = t.id')
        .select(['t.label AS label', 'COUNT(pt.postsId) AS n'])
        .groupBy('t.id')
        .addGroupBy('t.label')
        .orderBy('t.id')
        .getRawMany(),
    );
    observe('update', (await users.update({ id: 2 }, { name: 'Bob B.' })).affected);
    observe(
      'update on node 2',
      (await other.getRepository(PostEntity).update({ title: 'Bonjour' }, { body: 'edited' }))
        .affected,
    );
    observe('increment', (await posts.increment({ id: 1 }, 'price', 1)).affected);
    observe('findOne', await users.findOne({ where: { email: 'cy@example.com' } }));
    observe(
      'raw',
      await db.query(
        'SELECT COUNT(*) AS n, MAX(price) AS top FROM posts WHERE user_id IN (?, ?)',
        [1, 2],
      ),
    );
    observe('delete', (await users.delete({ id: 1 })).affected);
    observe('posts left', await posts.find({ relations: { tags: true }, order: { id: 'ASC' } }));
    observe('links left', await db.query('SELECT * FROM post_tags ORDER BY postsId, tagsId'));
  } finally {
    await Promise.all([db.destroy(), other.isInitialized ? other.destroy() : Promise.resolve()]);
  }
});
