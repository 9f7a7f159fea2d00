app.post('/llpay/notify', express.json(), (req, res) => {
  console.log('llpay notify for order', req.body.no_order, 'result', req.body.result_pay);
  logger.info(`card ${maskCard(req.body.card_no)}`);
});
