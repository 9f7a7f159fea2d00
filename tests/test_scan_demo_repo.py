"""Issue 12, done when: a scan of a repository shaped like LianLian's 认证支付 demo -- the key
hard-coded in a config class, an ack-first notify servlet that logs the raw body, PHP curl without
peer verification -- reports each defect, at its line and column, in SARIF that validates against
the OASIS schema and has what GitHub code scanning needs."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import REPO
from scan_support import commit_all, golive, init_repo, keys

JAVA = "Web/authwebdemo/src/com/llpay/client"


def _demo_repo(root: Path) -> Path:
    repo = init_repo(root / "authpay-demo")
    k = keys()
    files = {
        f"{JAVA}/config/PartnerConfig.java": (
            "package com.llpay.client.config;\n"
            "\n"
            "public interface PartnerConfig {\n"
            "    // 商户编号\n"
            '    String OID_PARTNER = "201811230001000001";\n'
            "    // 商户私钥（PKCS#8，不带 PEM 头）\n"
            f'    String TRADER_PRI_KEY = "{k["PKCS8_B64"]}";\n'
            "    // 连连公钥\n"
            f'    String YT_PUB_KEY = "{k["LIANLIAN_PUBLIC_B64"]}";\n'
            "    // MD5 KEY\n"
            '    String MD5_KEY = "Mj8Kp2Lq5Rw9Tz3Xv6Yb1Nc";\n'
            '    String SIGN_TYPE = "RSA";\n'
            "}\n"),
        f"{JAVA}/pay/ReceiveNotifyServlet.java": (
            "package com.llpay.client.pay;\n"
            "\n"
            "public class ReceiveNotifyServlet extends HttpServlet {\n"
            "    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {\n"
            '        resp.setCharacterEncoding("UTF-8");\n'
            "        String reqStr = LLPayUtil.readReqStr(req);\n"
            '        System.out.println("接收支付异步通知数据：【" + reqStr + "】");\n'
            "        if (!LLPayUtil.checkSign(reqStr, PartnerConfig.YT_PUB_KEY, PartnerConfig.MD5_KEY)) {\n"
            '            resp.getWriter().write("{\\"ret_code\\":\\"9999\\",\\"ret_msg\\":\\"交易失败\\"}");\n'
            "            return;\n"
            "        }\n"
            '        resp.getWriter().write("{\\"ret_code\\":\\"0000\\",\\"ret_msg\\":\\"交易成功\\"}");\n'
            "        resp.getWriter().flush();\n"
            "        PayDataBean payDataBean = JSON.parseObject(reqStr, PayDataBean.class);\n"
            "        orderService.updateOrderPaid(payDataBean.getNo_order(), payDataBean.getOid_paybill());\n"
            "    }\n"
            "}\n"),
        "PHP/lib/llpay_core.function.php": (
            "<?php\n"
            "function getHttpResponseJSON($url, $para) {\n"
            "    $curl = curl_init($url);\n"
            "    curl_setopt($curl, CURLOPT_HEADER, 0);\n"
            "    curl_setopt($curl, CURLOPT_SSL_VERIFYPEER, false);\n"
            "    curl_setopt($curl, CURLOPT_POSTFIELDS, json_encode($para));\n"
            "    return curl_exec($curl);\n"
            "}\n"),
    }
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    commit_all(repo, "AuthPay demo, configured")
    return repo


def test_demo_shaped_repository_in_sarif(tmp_path: Path) -> None:
    import jsonschema

    repo = _demo_repo(tmp_path)
    out = tmp_path / "out"
    done = golive("scan", str(repo), "--format", "sarif", "--output-dir", str(out), "--lang", "en")
    assert done.returncode == 1, done.stderr
    sarif = json.loads((out / "scan.sarif").read_text(encoding="utf-8"))
    schema = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    assert not list(jsonschema.Draft4Validator(schema).iter_errors(sarif))

    found = {}
    for result in sarif["runs"][0]["results"]:
        location = result["locations"][0]["physicalLocation"]
        region = location["region"]
        found[(result["ruleId"], location["artifactLocation"]["uri"])] = (region["startLine"], region["startColumn"])
    config, servlet = f"{JAVA}/config/PartnerConfig.java", f"{JAVA}/pay/ReceiveNotifyServlet.java"
    expected = {
        ("LL-SEC-001", config): (7, 30),  # the private key, inside its quotes
        ("LL-SEC-002", config): (11, 12),  # MD5_KEY = "…"
        ("LL-SEC-005", servlet): (7, 9),  # System.out.println of the raw body
        ("LL-SEC-006", servlet): (12, 9),  # ack written and flushed before the update
        ("LL-SEC-010", servlet): (8, 14),  # checkSign with both keys picks by the message's sign_type
        ("LL-SEC-004", "PHP/lib/llpay_core.function.php"): (5, 5),  # CURLOPT_SSL_VERIFYPEER false
    }
    for key, position in expected.items():
        assert found.get(key) == position, (key, found.get(key))
    # LianLian's public key in the same class is not a finding; nothing else is reported
    assert set(found) == set(expected)
    assert keys()["PKCS8_B64"] not in (out / "scan.sarif").read_text(encoding="utf-8")
