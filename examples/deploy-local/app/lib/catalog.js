/** The shop's products and the little logic the tests cover. */
export const products = [
  { sku: 'mug', name: 'Coffee mug', priceCents: 1250 },
  { sku: 'shirt', name: 'T-shirt', priceCents: 2400 },
  { sku: 'stickers', name: 'Sticker pack', priceCents: 499 },
];

export function formatPrice(cents) {
  if (!Number.isInteger(cents) || cents < 0) throw new RangeError(`invalid price: ${cents}`);
  return `$${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

export function cartTotal(items) {
  let total = 0;
  for (const { sku, quantity } of items) {
    const product = products.find((p) => p.sku === sku);
    if (!product) throw new Error(`unknown product: ${sku}`);
    total += product.priceCents * quantity;
  }
  return total;
}
