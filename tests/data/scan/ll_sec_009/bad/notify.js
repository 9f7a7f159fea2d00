app.post('/llpay/notify', express.json(), async (req, res) => {
  res.json({ ret_code: '0000', ret_msg: '交易成功' }); // expect: LL-SEC-009
});
