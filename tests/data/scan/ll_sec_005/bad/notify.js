app.post('/llpay/notify', express.json(), (req, res) => {
  console.log('llpay notify', JSON.stringify(req.body)); // expect: LL-SEC-005
  logger.info(`card ${req.body.card_no}`); // expect: LL-SEC-005
  logger.info(`order ${req.body.no_order} result ${req.body.result_pay}`);
});
