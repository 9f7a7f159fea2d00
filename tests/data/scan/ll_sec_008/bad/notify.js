router.post('/llpay/notify', async (req, res) => {
  await markPaidIfPending(verifyNotification(req.body).no_order);
  res.send('success'); // expect: LL-SEC-008
});
