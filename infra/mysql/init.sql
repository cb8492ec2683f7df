-- Run once by the mysql image on an empty data volume (docker-compose.yml mounts it into
-- /docker-entrypoint-initdb.d). The image already created database `coupon` and user
-- coupon/coupon with ALL on it (MYSQL_DATABASE/MYSQL_USER/MYSQL_PASSWORD); the tests also
-- create and drop throwaway databases named coupon_<something>.
GRANT ALL PRIVILEGES ON `coupon\_%`.* TO 'coupon'@'%';
FLUSH PRIVILEGES;
