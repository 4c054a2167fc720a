DROP TABLE notice_templates;
