"""The models as 0002_loyalty_title_price_index leaves them."""

from django.db import models


class Customer(models.Model):
    name = models.CharField(max_length=80)
    email = models.CharField(max_length=120, unique=True)
    created = models.DateTimeField()
    loyalty = models.IntegerField(default=0)


class Tag(models.Model):
    name = models.CharField(max_length=30, unique=True)


class Product(models.Model):
    sku = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=100)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    attrs = models.JSONField(null=True)
    tags = models.ManyToManyField(Tag, related_name="products")

    class Meta:
        indexes = [models.Index(fields=["price"], name="shop_product_price_idx")]


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="orders")
    number = models.IntegerField()
    placed = models.DateTimeField()

    class Meta:
        unique_together = [("customer", "number")]
        indexes = [models.Index(fields=["placed"], name="shop_order_placed_idx")]


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="lines")
    qty = models.IntegerField()
