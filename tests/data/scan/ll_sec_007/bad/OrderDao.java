public class OrderDao {
    public int markPaid(String noOrder, String oidPaybill) {
        String sql = "UPDATE t_order SET status = 'PAID', oid_paybill = ? " // expect: LL-SEC-007
                + "WHERE no_order = ?";
        return jdbcTemplate.update(sql, oidPaybill, noOrder);
    }
}
