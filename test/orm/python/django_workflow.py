"""Django 3.2 (Debian's python3-django) over MySQLdb against one MySQL server.

Usage: [ORM_AUTO_INCREMENT=increment,offset] python3 django_workflow.py run|read HOST PORT DATABASE

`run` creates DATABASE anew, applies djangoapp.shop's first migration to the empty database,
writes rows, applies the second migration (add a field, rename a field, add an index) to the
schema that holds them, queries through the ORM (filters, select_related and prefetch_related,
aggregates, update, delete, a rolled-back transaction.atomic) and reflects the schema
(inspectdb and the introspection's constraints). `read` only reads: the reflection and the final
rows. Every document is deterministic JSON, so two servers' documents can be compared as they are.
"""

import datetime
import decimal
import io
import json
import os
import sys

import MySQLdb

HERE = os.path.dirname(os.path.abspath(__file__))


def plain(value):
    """A JSON-able value; Decimal and datetime as their str (exact, no float rounding)."""
    if isinstance(value, (decimal.Decimal, datetime.datetime, datetime.date)):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def call(*args):
    from django.core.management import call_command

    out = io.StringIO()
    call_command(*args, stdout=out, no_color=True)
    return out.getvalue().splitlines()


def reflected():
    """inspectdb's models and, per table, the constraints the introspection finds (sorted by name)."""
    from django.db import connection

    with connection.cursor() as cursor:
        tables = sorted(t.name for t in connection.introspection.get_table_list(cursor))
        constraints = {}
        for table in tables:
            found = connection.introspection.get_constraints(cursor, table)
            constraints[table] = {
                name: {
                    "columns": c["columns"],
                    "primary_key": c["primary_key"],
                    "unique": c["unique"],
                    "index": c["index"],
                    "check": c["check"],
                    "foreign_key": c["foreign_key"],
                    "type": c.get("type"),
                }
                for name, c in sorted(found.items())
            }
            description = connection.introspection.get_table_description(cursor, table)
            constraints[table]["(columns)"] = [
                [d.name, d.type_code, d.null_ok, d.default, d.is_unsigned] for d in description
            ]
    # inspectdb's header comments are the same everywhere; its models are what reflection built.
    return {"tables": tables, "constraints": constraints, "inspectdb": call("inspectdb")}


def final_rows():
    from djangoapp.shop.models import Customer, Order, Product, Tag

    return {
        "customers": list(Customer.objects.order_by("id").values_list("id", "name", "email", "created", "loyalty")),
        "products": [
            [p.sku, p.title, p.price, p.attrs, [t.name for t in p.tags.all()]]
            for p in Product.objects.prefetch_related("tags").order_by("sku")
        ],
        "tags": list(Tag.objects.order_by("name").values_list("name", flat=True)),
        "orders": [
            [o.customer.email, o.number, o.placed, [[l.product.sku, l.qty] for l in o.lines.order_by("id")]]
            for o in Order.objects.select_related("customer").order_by("customer__email", "number")
        ],
    }


def before_second_migration(seen):
    """Rows written against 0001's schema (Product.name, no Customer.loyalty), as raw SQL."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO shop_customer (name, email, created) VALUES (%s, %s, %s), (%s, %s, %s)",
            ["Ann", "ann@example.com", datetime.datetime(2024, 1, 2, 3, 4, 5),
             "Bob", "bob@example.com", datetime.datetime(2024, 2, 29, 23, 59, 59)],
        )
        cursor.execute(
            "INSERT INTO shop_product (sku, name, price, attrs) VALUES (%s, %s, %s, %s)",
            ["P-1", "Kettle", decimal.Decimal("19.99"), json.dumps({"color": "red", "watts": 2000})],
        )
        cursor.execute("SELECT id, name FROM shop_product")
        seen["before_0002"] = plain(list(cursor.fetchall()))


def queries(seen):
    from django.db import IntegrityError, transaction
    from django.db.models import Avg, Count, F, Max, Sum
    from djangoapp.shop.models import Customer, Order, OrderLine, Product, Tag

    ann = Customer.objects.get(email="ann@example.com")
    bob = Customer.objects.get(email="bob@example.com")
    seen["default_after_add_field"] = [ann.loyalty, bob.loyalty]
    kitchen, garden, sale = (Tag.objects.create(name=n) for n in ("kitchen", "garden", "sale"))
    kettle = Product.objects.get(sku="P-1")
    kettle.tags.add(kitchen, sale)
    hose = Product.objects.create(sku="P-2", title="Hose", price=decimal.Decimal("7.50"),
                                  attrs={"color": "green", "length": 15})
    hose.tags.add(garden, sale)
    pan = Product.objects.create(sku="P-3", title="Pan", price=decimal.Decimal("31.00"), attrs=None)
    pan.tags.add(kitchen)
    placed = datetime.datetime(2024, 6, 1, 10, 0, 0)
    o1 = Order.objects.create(customer=ann, number=1, placed=placed)
    o2 = Order.objects.create(customer=ann, number=2, placed=placed + datetime.timedelta(days=1))
    o3 = Order.objects.create(customer=bob, number=1, placed=placed + datetime.timedelta(days=2))
    OrderLine.objects.bulk_create([
        OrderLine(order=o1, product=kettle, qty=1), OrderLine(order=o1, product=pan, qty=2),
        OrderLine(order=o2, product=hose, qty=3), OrderLine(order=o3, product=kettle, qty=4),
    ])

    try:
        with transaction.atomic():
            Order.objects.create(customer=ann, number=1, placed=placed)
        seen["unique_together"] = "committed"
    except IntegrityError as error:
        seen["unique_together"] = error.args[0]

    seen["filter"] = list(Product.objects.filter(price__gte=10).order_by("sku").values_list("sku", "title", "price"))
    seen["json_filter"] = list(Product.objects.filter(attrs__color="green").values_list("sku", flat=True))
    seen["json_has_key"] = list(Product.objects.filter(attrs__has_key="watts").values_list("sku", flat=True))
    seen["json_isnull"] = list(Product.objects.filter(attrs__isnull=True).values_list("sku", flat=True))
    seen["icontains"] = list(Product.objects.filter(title__icontains="AN").order_by("sku").values_list("sku", flat=True))
    seen["select_related"] = [
        [o.number, o.customer.name] for o in Order.objects.select_related("customer").order_by("placed")
    ]
    seen["prefetch_related"] = [
        [c.name, [[o.number, [l.product.title for l in o.lines.all()]] for o in c.orders.all()]]
        for c in Customer.objects.prefetch_related("orders__lines__product").order_by("name")
    ]
    seen["tags_of_products"] = [
        [t.name, sorted(p.sku for p in t.products.all())]
        for t in Tag.objects.prefetch_related("products").order_by("name")
    ]
    seen["aggregate"] = OrderLine.objects.aggregate(
        n_lines=Count("id"), total_qty=Sum("qty"), avg_qty=Avg("qty"), revenue=Sum(F("qty") * F("product__price")),
        last=Max("order__placed"),
    )
    seen["annotate"] = list(
        Customer.objects.annotate(n=Count("orders__lines"), q=Sum("orders__lines__qty"))
        .order_by("name").values_list("name", "n", "q")
    )
    seen["update"] = Product.objects.filter(tags__name="sale").update(price=F("price") * 2)
    seen["update_loyalty"] = Customer.objects.filter(orders__lines__qty__gte=3).distinct().update(loyalty=F("loyalty") + 10)

    try:
        with transaction.atomic():
            Customer.objects.create(name="Carl", email="carl@example.com", created=placed)
            Product.objects.update(price=0)
            seen["inside_atomic"] = [Customer.objects.count(), list(Product.objects.values_list("price", flat=True).distinct())]
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    seen["after_atomic"] = [Customer.objects.count(), list(Product.objects.order_by("sku").values_list("price", flat=True))]

    try:
        pan.delete()
        seen["protect"] = "deleted"
    except Exception as error:  # ProtectedError: Django checks before it deletes
        seen["protect"] = type(error).__name__
    count, per_model = bob.delete()
    seen["delete_cascade"] = [count, dict(sorted(per_model.items()))]
    seen["savepoint"] = savepoint(Tag)


def savepoint(Tag):
    """A nested atomic block rolled back to its savepoint while the outer one commits."""
    from django.db import transaction

    with transaction.atomic():
        Tag.objects.create(name="outer")
        try:
            with transaction.atomic():
                Tag.objects.create(name="inner")
                raise RuntimeError("roll back the savepoint")
        except RuntimeError:
            pass
    return list(Tag.objects.filter(name__in=["outer", "inner"]).values_list("name", flat=True))


def returning_probe(conn, database):
    """INSERT … RETURNING on a table of its own: the rows, or the error code."""
    cursor = conn.cursor()
    cursor.execute(f"CREATE TABLE {database}.probe (id INT AUTO_INCREMENT PRIMARY KEY, v INT)")
    try:
        # Not the ids themselves: a node of three steps them by 3 (auto_increment_increment).
        cursor.execute(
            f"INSERT INTO {database}.probe (v) VALUES (7), (8) RETURNING id IS NOT NULL, v")
        found = [list(r) for r in cursor.fetchall()]
    except MySQLdb.Error as error:
        found = error.args[0]
    cursor.execute(f"DROP TABLE {database}.probe")
    return found


def main():
    mode, host, port, database = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    os.environ.update(ORM_DB_HOST=host, ORM_DB_PORT=port, ORM_DB_NAME=database,
                      DJANGO_SETTINGS_MODULE="djangoapp.settings")
    sys.path.insert(0, HERE)
    if mode == "run":
        conn = MySQLdb.connect(host=host, port=int(port), user="root", passwd="")
        conn.cursor().execute(f"DROP DATABASE IF EXISTS {database}")
        conn.cursor().execute(f"CREATE DATABASE {database}")
        returning = returning_probe(conn, database)
        conn.close()
    import django

    django.setup()
    seen = {}
    if mode == "run":
        seen["returning_probe"] = returning
    if mode == "run":
        seen["migrate_0001"] = call("migrate", "shop", "0001", "--verbosity", "1")
        seen["reflected_0001"] = reflected()
        before_second_migration(seen)
        seen["migrate_0002"] = call("migrate", "--verbosity", "1")
        seen["sqlmigrate_0002"] = call("sqlmigrate", "shop", "0002")
        # The models are what the two migrations make (else Django would want a third).
        seen["makemigrations_check"] = call("makemigrations", "--check", "--dry-run", "shop")
        queries(seen)
    seen["showmigrations"] = call("showmigrations", "shop")
    seen["reflected"] = reflected()
    seen["final"] = final_rows()
    print(json.dumps(plain(seen), indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
