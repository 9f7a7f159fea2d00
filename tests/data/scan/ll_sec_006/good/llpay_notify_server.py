class NotifyHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        data = json.loads(body)
        if not verify_sign(data):
            self.send_response(400)
            return
        conn.execute("UPDATE orders SET status='PAID' WHERE no_order=? AND status='PENDING'", (data["no_order"],))
        conn.commit()
        self.send_response(200)
        self.end_headers()
        self.wfile.write('{"ret_code":"0000","ret_msg":"交易成功"}'.encode())
