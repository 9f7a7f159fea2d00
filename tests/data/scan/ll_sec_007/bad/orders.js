async function markPaid(noOrder) {
  return Order.update({ status: 'PAID' }, { where: { no_order: noOrder } }); // expect: LL-SEC-007
}
