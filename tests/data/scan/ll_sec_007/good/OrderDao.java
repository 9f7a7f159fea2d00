public class OrderDao {
    public int markPaid(String noOrder, String oidPaybill) {
        String sql = "UPDATE t_order SET status = 'PAID', oid_paybill = ? "
                + "WHERE no_order = ? AND status = 'PENDING'";
        return jdbcTemplate.update(sql, oidPaybill, noOrder);
    }

    public int rename(String noOrder, String name) {
        return jdbcTemplate.update("UPDATE t_order SET remark = ? WHERE no_order = ?", name, noOrder);
    }
}
