import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cartTotal, formatPrice, products } from '../lib/catalog.js';

test('formats prices in dollars and cents', () => {
  assert.equal(formatPrice(1250), '$12.50');
  assert.equal(formatPrice(5), '$0.05');
  assert.throws(() => formatPrice(-1), RangeError);
});

test('adds up a cart', () => {
  assert.equal(cartTotal([{ sku: 'mug', quantity: 2 }, { sku: 'stickers', quantity: 1 }]), 2999);
  assert.throws(() => cartTotal([{ sku: 'nope', quantity: 1 }]), /unknown product/);
});

test('every product has a sku, a name and a price', () => {
  for (const product of products) {
    assert.ok(product.sku && product.name);
    assert.ok(Number.isInteger(product.priceCents));
  }
});
