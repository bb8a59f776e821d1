-- One database per service (compose.yaml); each service migrates its own on start.
CREATE DATABASE kada_auth;
CREATE DATABASE kada_user;
CREATE DATABASE kada_product;
CREATE DATABASE kada_order;
CREATE DATABASE kada_payment;
CREATE DATABASE kada_dashboard;
CREATE DATABASE kada_stock;
CREATE DATABASE kada_notification;
CREATE DATABASE kada_audit;
