app.post('/llpay/notify', express.json(), async (req, res) => {
  if (!verifySign(req.body)) return res.status(400).json({ ret_code: '9999', ret_msg: '验签失败' });
  await orders.update({ status: 'PAID' }, { where: { no_order: req.body.no_order, status: 'PENDING' } });
  res.json({ ret_code: '0000', ret_msg: '交易成功' });
});
