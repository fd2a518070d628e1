from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.AddField(model_name="customer", name="loyalty", field=models.IntegerField(default=0)),
        migrations.RenameField(model_name="product", old_name="name", new_name="title"),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["price"], name="shop_product_price_idx"),
        ),
    ]
