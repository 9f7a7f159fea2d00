import https from 'https';
import axios from 'axios';

export const llpay = axios.create({
  baseURL: 'https://queryapi.lianlianpay.com',
  httpsAgent: new https.Agent({ rejectUnauthorized: true, minVersion: 'TLSv1.2' }),
});
