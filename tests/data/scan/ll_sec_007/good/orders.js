async function markPaid(noOrder) {
  const [changed] = await Order.update({ status: 'PAID' }, { where: { no_order: noOrder, status: 'PENDING' } });
  return changed === 1;
}
