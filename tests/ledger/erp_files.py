"""The ERP exports the ledger tests start from."""

# 湖畔机电 is class A with its own 60-day term; 南山电子 is class B and 锦江贸易 class C,
# both on their class's term; 朝阳建材 is class D (cash before delivery); Lion City has no
# class and no term and is invoiced in US dollars.
CUSTOMERS_CSV = """\
customer_code,name,credit_class,credit_limit,term_days,salesperson,collector,department,industry_position,email,phone,currency
HZ001,杭州湖畔机电有限公司,A,500000.00,60,张伟,王芳,华东销售部,listed,ar@hupan.example.cn,0571-88886666,CNY
SZ002,深圳南山电子有限公司,B,200000,,李娜,王芳,华南销售部,regional,,,CNY
CD003,成都锦江贸易有限公司,C,,,刘洋,赵磊,西南销售部,ordinary,,,CNY
BJ004,北京朝阳建材有限公司,D,,,张伟,赵磊,华北销售部,new,,,CNY
SG005,Lion City Trading Pte Ltd,,,,陈静,王芳,海外部,,,,USD
"""

INVOICES_CSV = """\
invoice_number,customer_code,invoice_date,due_date,amount,currency,exchange_rate,order_number,salesperson
YS-2024-0301,HZ001,2024-03-01,2024-05-05,100000.00,CNY,,SO-88001,张伟
YS-2024-0302,HZ001,2024-03-02,2024-05-06,50000.00,CNY,,SO-88002,张伟
YS-2024-0303,SZ002,2024-03-03,2024-04-22,80000.00,CNY,,SO-88003,李娜
YS-2024-0304,CD003,2024-03-04,2024-04-08,30000.00,CNY,,SO-88004,刘洋
YS-2024-0305,SG005,2024-03-05,2024-04-09,10000.00,USD,7.100000,SO-88005,陈静
"""
