app.post('/llpay/notify', express.json(), async (req, res) => {
  if (!verifyRsaSignature(req.body, LIANLIAN_PUBLIC_KEY)) return res.status(400).json({ ret_code: '9999' });
  await markPaidIfPending(req.body.no_order);
  res.json({ ret_code: '0000', ret_msg: '交易成功' });
});
