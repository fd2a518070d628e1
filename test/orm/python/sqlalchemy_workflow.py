"""SQLAlchemy 1.4 (Debian's python3-sqlalchemy) over MySQLdb against one MySQL server.

Usage: [ORM_AUTO_INCREMENT=increment,offset] python3 sqlalchemy_workflow.py run|read HOST PORT DATABASE

`run` creates DATABASE anew, builds the schema with metadata.create_all, writes and reads rows
through the ORM session (relationships, a many-to-many, a rolled-back transaction) and prints
what it saw. `read` only reads (another node's copy): the reflected schema and the final rows.
Every document is deterministic JSON, so two servers' documents can be compared as they are.
"""

import datetime
import decimal
import json
import os
import sys

import MySQLdb
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    func,
    inspect,
    select,
)
from sqlalchemy.orm import Session, declarative_base, relationship, selectinload

Base = declarative_base()

post_tags = Table(
    "post_tags",
    Base.metadata,
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True),
)


class Author(Base):
    __tablename__ = "authors"
    id = Column(Integer, primary_key=True)
    email = Column(String(120), nullable=False, unique=True)
    name = Column(String(80), nullable=False)
    balance = Column(Numeric(10, 2), nullable=False, server_default="0.00")
    joined_at = Column(DateTime, nullable=False)
    posts = relationship("Post", back_populates="author", order_by="Post.id")


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("author_id", "slug", name="uq_posts_author_slug"),
        Index("ix_posts_published", "published_at"),
    )
    id = Column(Integer, primary_key=True)
    author_id = Column(Integer, ForeignKey("authors.id"), nullable=False)
    slug = Column(String(60), nullable=False)
    body = Column(Text)
    meta = Column(JSON)
    price = Column(Numeric(8, 3))
    published_at = Column(DateTime, index=False)
    author = relationship("Author", back_populates="posts")
    tags = relationship("Tag", secondary=post_tags, back_populates="posts", order_by="Tag.name")


class Tag(Base):
    __tablename__ = "tags"
    id = Column(Integer, primary_key=True)
    name = Column(String(30), nullable=False, index=True)
    posts = relationship("Post", secondary=post_tags, back_populates="tags", order_by="Post.id")


def plain(value):
    """A JSON-able value; Decimal and datetime as their str (exact, no float rounding)."""
    if isinstance(value, (decimal.Decimal, datetime.datetime, datetime.date)):
        return str(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def reflected(engine):
    """What inspect() reports for every table, each list sorted so the order is the server's none."""
    insp = inspect(engine)
    tables = {}
    for name in sorted(insp.get_table_names()):
        columns = [
            {
                "name": c["name"],
                "type": str(c["type"]),
                "nullable": c["nullable"],
                "default": c.get("default"),
                "autoincrement": c.get("autoincrement"),
            }
            for c in insp.get_columns(name)
        ]
        fks = sorted(
            (
                {
                    "name": fk["name"],
                    "columns": fk["constrained_columns"],
                    "referred_table": fk["referred_table"],
                    "referred_columns": fk["referred_columns"],
                    "options": fk.get("options", {}),
                }
                for fk in insp.get_foreign_keys(name)
            ),
            key=lambda fk: fk["name"] or "",
        )
        indexes = sorted(
            (
                {"name": ix["name"], "columns": ix["column_names"], "unique": bool(ix["unique"])}
                for ix in insp.get_indexes(name)
            ),
            key=lambda ix: ix["name"],
        )
        uniques = sorted(
            ({"name": u["name"], "columns": u["column_names"]} for u in insp.get_unique_constraints(name)),
            key=lambda u: u["name"],
        )
        tables[name] = {
            "columns": columns,
            "pk": insp.get_pk_constraint(name)["constrained_columns"],
            "fks": fks,
            "indexes": indexes,
            "uniques": uniques,
        }
    return tables


def metadata_reflect(engine):
    """MetaData.reflect: the Table objects it builds, as the dependency order and CREATE TABLE columns."""
    meta = MetaData()
    meta.reflect(bind=engine)
    return {
        "sorted_tables": [t.name for t in meta.sorted_tables],
        "tables": {
            t.name: {
                "columns": [[c.name, str(c.type), c.primary_key, c.nullable] for c in t.columns],
                "fks": sorted(
                    [fk.parent.name, fk.target_fullname] for fk in t.foreign_keys
                ),
            }
            for t in meta.sorted_tables
        },
    }


def final_rows(session):
    authors = session.execute(select(Author).order_by(Author.id)).scalars().all()
    out = []
    for a in authors:
        out.append(
            {
                "id": a.id,
                "email": a.email,
                "name": a.name,
                "balance": plain(a.balance),
                "joined_at": plain(a.joined_at),
                "posts": [
                    {
                        "slug": p.slug,
                        "body": p.body,
                        "meta": plain(p.meta),
                        "price": plain(p.price),
                        "published_at": plain(p.published_at),
                        "tags": [t.name for t in p.tags],
                    }
                    for p in a.posts
                ],
            }
        )
    tags = session.execute(select(Tag).order_by(Tag.name)).scalars().all()
    return {"authors": out, "tags": {t.name: [p.slug for p in t.posts] for t in tags}}


def write(engine, seen):
    Base.metadata.create_all(engine)
    seen["created"] = sorted(inspect(engine).get_table_names())
    with Session(engine) as session:
        ann = Author(email="ann@example.com", name="Ann", balance=decimal.Decimal("12.50"),
                     joined_at=datetime.datetime(2024, 1, 2, 3, 4, 5))
        bob = Author(email="bob@example.com", name="Bob", joined_at=datetime.datetime(2024, 2, 29, 23, 59, 59))
        py, sql, db = Tag(name="python"), Tag(name="sql"), Tag(name="databases")
        ann.posts = [
            Post(slug="hello", body="first", meta={"lang": "en", "n": [1, 2, 3]},
                 price=decimal.Decimal("9.990"), published_at=datetime.datetime(2024, 3, 1, 12, 0, 0),
                 tags=[py, sql]),
            Post(slug="world", body=None, meta={"draft": True}, tags=[sql, db]),
        ]
        bob.posts = [Post(slug="hello", body="bob's", meta=None, price=decimal.Decimal("0.125"), tags=[db])]
        session.add_all([ann, bob])
        session.commit()
        seen["ids"] = [ann.id, bob.id] + [p.id for p in ann.posts + bob.posts]
        seen["server_default_balance"] = plain(bob.balance)

    # A unique constraint violated: the error code and the session still usable after rollback.
    with Session(engine) as session:
        session.add(Author(email="ann@example.com", name="Ann again", joined_at=datetime.datetime(2024, 1, 1)))
        try:
            session.commit()
            seen["duplicate"] = "committed"
        except Exception as error:  # IntegrityError wrapping MySQLdb's
            session.rollback()
            seen["duplicate"] = error.orig.args[0]

    # A transaction rolled back explicitly: its insert and update leave nothing.
    with Session(engine) as session:
        ann = session.execute(select(Author).where(Author.email == "ann@example.com")).scalar_one()
        ann.balance = decimal.Decimal("99.99")
        session.add(Author(email="carl@example.com", name="Carl", joined_at=datetime.datetime(2024, 5, 5)))
        session.flush()
        seen["inside_rollback_count"] = session.execute(select(func.count(Author.id))).scalar_one()
        session.rollback()
        seen["after_rollback_count"] = session.execute(select(func.count(Author.id))).scalar_one()
        seen["after_rollback_balance"] = plain(session.get(Author, ann.id).balance)

    with Session(engine) as session:
        # Queries: a join with an aggregate, eager loading through the association table.
        per_tag = session.execute(
            select(Tag.name, func.count(Post.id))
            .join(Tag.posts)
            .group_by(Tag.name)
            .order_by(Tag.name)
        ).all()
        seen["posts_per_tag"] = [list(r) for r in per_tag]
        loaded = session.execute(
            select(Author).options(selectinload(Author.posts).selectinload(Post.tags)).order_by(Author.name)
        ).scalars().all()
        seen["eager"] = [[a.name, [[p.slug, [t.name for t in p.tags]] for p in a.posts]] for a in loaded]
        total = session.execute(select(func.sum(Post.price), func.max(Post.published_at))).one()
        seen["sum_price_max_published"] = plain(list(total))
        # Updates and deletes through the ORM: a tag removed from a post, a post deleted.
        hello = session.execute(
            select(Post).join(Post.author).where(Author.name == "Ann", Post.slug == "hello")
        ).scalar_one()
        hello.tags.remove(next(t for t in hello.tags if t.name == "sql"))
        hello.meta = {"lang": "fr", "n": [3]}
        bob_post = session.execute(select(Post).join(Post.author).where(Author.name == "Bob")).scalar_one()
        session.delete(bob_post)
        session.commit()
        seen["json_path"] = session.execute(
            select(Post.slug).where(Post.meta["lang"].as_string() == "fr")
        ).scalars().all()


def auto_increment_args():
    """ORM_AUTO_INCREMENT="increment,offset": the session's auto_increment_increment and
    auto_increment_offset, so that a standalone server hands out the ids a Galera node does."""
    ids = os.environ.get("ORM_AUTO_INCREMENT")
    if ids is None:
        return {}
    increment, offset = (int(n) for n in ids.split(","))
    return {
        "init_command": f"SET SESSION auto_increment_increment = {increment}, auto_increment_offset = {offset}"
    }


def main():
    mode, host, port, database = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    if mode == "run":
        conn = MySQLdb.connect(host=host, port=port, user="root", passwd="")
        conn.cursor().execute(f"DROP DATABASE IF EXISTS {database}")
        conn.cursor().execute(f"CREATE DATABASE {database}")
        conn.close()
    engine = create_engine(
        f"mysql+mysqldb://root@{host}:{port}/{database}?charset=utf8mb4",
        connect_args=auto_increment_args(),
        future=True,
    )
    seen = {}
    if mode == "run":
        write(engine, seen)
    seen["reflected"] = reflected(engine)
    seen["metadata_reflect"] = metadata_reflect(engine)
    with Session(engine) as session:
        seen["final"] = final_rows(session)
    engine.dispose()
    print(json.dumps(seen, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
