// Goal: an app built on Sequelize 6 (mysql2 driver) behaves on a trireme cluster as on MariaDB.
// Method: one workflow — sync() on an empty schema, sync({ alter }) on the existing one, models
// with belongsTo/hasMany/belongsToMany and eager loading, JSON attributes, managed transactions
// committed and rolled back, raw queries, writes through a second node, the schema as Sequelize's
// query interface describes it — run on 3 real nodes and on a private mariadbd (orm-harness.ts).
import { DataTypes, Op, QueryTypes, Sequelize, type ModelStatic, type Model } from 'sequelize';
import { ormSuite, type Endpoint, type Target } from './orm-harness.js';

type Row = Model<Record<string, unknown>, Record<string, unknown>>;

interface Models {
  readonly User: ModelStatic<Row>;
  readonly Post: ModelStatic<Row>;
  readonly Tag: ModelStatic<Row>;
}

function connect(target: Target, node: Endpoint): Sequelize {
  return new Sequelize(target.database, 'root', '', {
    dialect: 'mysql',
    host: '127.0.0.1',
    port: node.port,
    logging: false,
    pool: { min: 0, max: 4 },
  });
}

/** The app's models; `version` 2 is the next release (a column added, one widened). */
function defineModels(sequelize: Sequelize, version: 1 | 2): Models {
  const User = sequelize.define('User', {
    email: { type: DataTypes.STRING(191), allowNull: false, unique: true },
    name: { type: DataTypes.STRING(100), allowNull: false },
    profile: { type: DataTypes.JSON },
    ...(version === 2
      ? { karma: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 } }
      : {}),
  });
  const Post = sequelize.define(
    'Post',
    {
      title: { type: DataTypes.STRING(version === 2 ? 250 : 200), allowNull: false },
      body: { type: DataTypes.TEXT },
      price: { type: DataTypes.DECIMAL(10, 2), defaultValue: 0 },
    },
    { indexes: [{ fields: ['title'] }] },
  );
  const Tag = sequelize.define(
    'Tag',
    { label: { type: DataTypes.STRING(50), unique: true } },
    { timestamps: false },
  );
  User.hasMany(Post, { foreignKey: { name: 'userId', allowNull: false }, onDelete: 'CASCADE' });
  Post.belongsTo(User, { foreignKey: { name: 'userId', allowNull: false } });
  Post.belongsToMany(Tag, { through: 'PostTags' });
  Tag.belongsToMany(Post, { through: 'PostTags' });
  return { User, Post, Tag };
}

/** A model instance as the app sees it, nested includes and all. */
const json = (rows: Row | Row[] | null): unknown =>
  Array.isArray(rows) ? rows.map((r) => r.toJSON()) : (rows?.toJSON() ?? null);

async function describe(sequelize: Sequelize): Promise<unknown> {
  const qi = sequelize.getQueryInterface();
  const tables = ((await qi.showAllTables()) as string[]).sort();
  const out: Record<string, unknown> = {};
  for (const table of tables) out[table] = await qi.describeTable(table);
  return out;
}

ormSuite(
  'Sequelize 6 on a 3-node cluster and on MariaDB',
  'orm_sequelize',
  async (target, observe) => {
    const db = connect(target, target.nodes[0]);
    const other = connect(target, target.nodes[1]);
    try {
      const { User, Post, Tag } = defineModels(db, 1);
      await db.sync();
      observe('schema after sync (empty schema)', await describe(db));

      const ada = await User.create({
        email: 'ada@example.com',
        name: 'Ada',
        profile: { city: 'London', langs: ['en', 'fr'] },
      });
      observe('create', json(ada));
      // Written through node 2, with the same models.
      const models2 = defineModels(other, 1);
      // Node 2 reads before it writes: its read waits (wsrep_sync_wait) until it applied node 1's
      // row, so its AUTO_INCREMENT values start above it. Written at once, the batch could race
      // the apply, take ids 1-2, meet node 1's key in flight, run again and take 3-4.
      observe('count on node 2', await models2.User.count());
      observe(
        'bulkCreate on node 2',
        json(
          await models2.User.bulkCreate([
            { email: 'bob@example.com', name: 'Bob', profile: { city: 'Paris', langs: ['fr'] } },
            { email: 'cy@example.com', name: 'Cy', profile: null },
          ]),
        ),
      );
      const tags = await Tag.bulkCreate([
        { label: 'intro' },
        { label: 'news' },
        { label: 'howto' },
      ]);
      observe('tags', json(tags));

      // A managed transaction that commits: a post and its many-to-many links.
      await db.transaction(async (transaction) => {
        const post = await Post.create(
          { title: 'Hello', body: 'first', price: '9.50', userId: ada.get('id') },
          { transaction },
        );
        await (post as unknown as { setTags(t: Row[], o: object): Promise<void> }).setTags(
          tags.slice(0, 2),
          { transaction },
        );
      });
      // One that fails half way: nothing of it stays.
      const failed = await db
        .transaction(async (transaction) => {
          await Post.create({ title: 'Lost', userId: 2 }, { transaction });
          await Tag.create({ label: 'intro' }, { transaction });
        })
        .then(
          () => 'committed',
          (e: Error) => e.name,
        );
      observe('failed transaction', failed);
      observe('posts after rollback', await Post.count());
      await Post.create({ title: 'Bonjour', body: 'deux', userId: 2 });

      observe(
        'eager loading (belongsTo, belongsToMany)',
        json(
          await Post.findAll({
            include: [
              { model: User, attributes: ['name'] },
              { model: Tag, attributes: ['label'], through: { attributes: [] } },
            ],
            order: [
              ['id', 'ASC'],
              [Tag, 'label', 'ASC'],
            ],
          }),
        ),
      );
      observe(
        'hasMany with a where on the include',
        json(
          await User.findAll({
            attributes: ['name'],
            include: [{ model: Post, attributes: ['title'], where: { price: { [Op.gt]: 0 } } }],
            order: [['id', 'ASC']],
          }),
        ),
      );
      observe(
        'JSON attribute query',
        json(await User.findAll({ attributes: ['name'], where: { profile: { city: 'Paris' } } })),
      );
      observe(
        'JSON path in order and where',
        json(
          await User.findAll({
            attributes: ['name'],
            where: db.where(db.fn('JSON_LENGTH', db.col('profile'), '$.langs'), Op.gte, 1),
            order: [[db.literal("JSON_UNQUOTE(JSON_EXTRACT(profile, '$.city'))"), 'DESC']],
          }),
        ),
      );
      observe(
        'findOne',
        json(
          await User.findOne({
            where: { email: 'cy@example.com' },
            attributes: ['id', 'name', 'profile'],
          }),
        ),
      );
      observe(
        'count with include',
        await Post.count({ include: [{ model: Tag, where: { label: 'news' } }] }),
      );
      observe('update', await User.update({ name: 'Bob B.' }, { where: { id: 2 } }));
      observe('update none', await User.update({ name: 'nobody' }, { where: { id: 99 } }));
      const hello = await Post.findByPk(1);
      await hello!.increment('price', { by: 1 });
      await hello!.reload();
      observe('increment and reload', json(hello));
      observe('findOrCreate existing', (await Tag.findOrCreate({ where: { label: 'news' } }))[1]);
      observe('findOrCreate new', (await Tag.findOrCreate({ where: { label: 'misc' } }))[1]);
      observe(
        'raw select',
        await db.query(
          'SELECT u.name, COUNT(p.id) AS posts FROM Users u LEFT JOIN Posts p ON p.userId = u.id GROUP BY u.id, u.name ORDER BY u.id',
          {
            type: QueryTypes.SELECT,
          },
        ),
      );
      observe(
        'raw update with replacements',
        await db.query('UPDATE Posts SET body = :body WHERE title = :title', {
          replacements: { body: 'edited', title: 'Bonjour' },
          type: QueryTypes.UPDATE,
        }),
      );

      // The next release: sync({ alter }) on the schema that holds rows.
      const next = defineModels(db, 2);
      await db.sync({ alter: true });
      observe('schema after sync({ alter })', await describe(db));
      observe(
        'users after alter',
        json(
          await next.User.findAll({ attributes: ['id', 'name', 'karma'], order: [['id', 'ASC']] }),
        ),
      );
      await next.Post.create({ title: 'T'.repeat(240), userId: 1 });
      observe(
        'long title after alter',
        (await next.Post.findOne({ where: { userId: 1 }, order: [['id', 'DESC']] }))!.get('title'),
      );

      observe('destroy user', await next.User.destroy({ where: { id: 1 } }));
      observe(
        'links after cascade',
        await db.query('SELECT COUNT(*) AS n FROM PostTags', { type: QueryTypes.SELECT }),
      );
      observe(
        'posts left',
        json(
          await next.Post.findAll({
            attributes: ['id', 'title', 'userId'],
            order: [['id', 'ASC']],
          }),
        ),
      );
    } finally {
      await Promise.all([db.close(), other.close()]);
    }
  },
);
