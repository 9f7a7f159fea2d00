module.exports = {
  oidPartner: '201811230001000001',
  md5Key: 'Hs7_Kd2Lq9Wp4Xz8Vm3Bn6', // expect: LL-SEC-002
};
