/*
 * Passwords and password stems tried first by every guessing tool: the top of the public leak
 * statistics (English and Chinese sites), keyboard walks, pinyin favourites, and words of this
 * product and region. Stems only: the policy strips digits and symbols around them before looking
 * them up, so "woaini1314", "Password2024!" and "p@ssw0rd" all match. Lower case, one per line.
 */
const LIST = `
password passwd passw0rd pass pwd mima mimamima secret changeme default welcome login letmein access
admin administrator root guest user test tester testing demo system manager super superuser support
qwerty qwertyu qwertyui qwertyuiop qwert qwer qwe qweqwe qweasd qweasdzxc qwaszx qazwsx qazwsxedc
qazxsw zaqwsx zaq xsw qaz wsx edc asdf asdfg asdfgh asdfghj asdfghjk asdfghjkl asd asdasd asdasdasd
asdfasdf zxc zxcv zxcvb zxcvbn zxcvbnm zxczxc mnbvcxz poiuytrewq lkjhgfdsa ytrewq azerty qwertz
abc abcd abcde abcdef abcdefg abcdefgh abcdefghi abcdefghij abcabc aaa aaaa aaaaa aaaaaa aaaaaaaa
abcxyz xyz iloveu iloveyou iloveyu loveyou lovely lovelove loveme mylove love lover
dragon monkey football baseball basketball soccer hockey master shadow sunshine princess flower
superman batman spiderman ironman pokemon starwars whatever freedom trustno computer internet
michael jordan jennifer jessica ashley charlie daniel thomas andrew robert matthew joshua
hello helloworld hellokitty kitty killer hunter ranger buster tigger summer winter pepper cookie
cheese chicken banana orange apple purple silver golden diamond crystal angel angels baby babygirl
google yahoo hotmail gmail facebook apple microsoft windows samsung iphone android
fuck fuckyou fuckme shit bitch caonima shabi nima tamade
dearbook xiazhili csdn tianya taobao alibaba tencent baidu weixin wechat qq qqqq qqqqqq qqq huawei
xiaomi lenovo sina sohu netease
woaini woaini woainia woaiwojia woaimama woaibaba woaini woainimen woaizhongguo aini ainio
wohenaini woshishui woshini nihao nihaoma zaijian xiexie duibuqi meiyou haode
wobuzhidao zhimakaimen kaixin kaixinguo xingfu pingan pinganfu fuqi jiayou haoren huairen
baobei baobao laopo laogong qinai qinaide xiaobao tiantian xiaoxiao yangyang lili feifei longlong
xiaoming xiaohong xiaohua xiaoyu xiaolong xiaoqiang xiaofeng xiaojie xiaowei xiaoli xiaozhu
zhangsan lisi wangwu zhaoliu zhangwei wangwei liwei liuwei wangfang lina zhangmin wangjing lijing
liuyang wangqiang zhangjing liqiang wangli zhangli liming wangyong zhangyong liyong wanglei zhanglei
wangjun zhangjun lijun liujun chenjing chenwei yangfan yangyang huangwei zhouwei wuwei
zhang wang li liu chen yang huang zhao zhou wu xu sun ma zhu hu guo he lin gao luo zheng liang
zhongguo china chinese beijing shanghai guangzhou shenzhen tianjin chongqing hongkong taiwan
shanxi taiyuan lvliang luliang lyuliang jiaocheng wenshui fenyang xiaoyi lishi zhongyang
sanling sanlingshi lingshangfang lingshigu lingan
gongan jingcha police policeman minjing zhengfu dangwei zhengfa zongzhi zongzhizhongxin zhongxin
wangge wanggeyuan wanggehua shequ cunwei cunzhang shuji zhuren juzhang kezhang
gonganju paichusuo xinfang tiaojie anquan
dangyuan gongchandang renmin fuwu weirenminfuwu
year month monday sunday january
hahaha hehehe heihei haha hehe xixi lalala
ok okok yes no none null nothing
`;

/** The list as a set, built once. */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(LIST.split(/\s+/).filter(Boolean));
