-- 0004: settings the application keeps in its database, one row per setting
-- (spec sqlite-and-deploy.md §3.2): in development, the `better_auth_secret` the app
-- generated because none was configured (stored once, read by every instance).
-- Values may be secrets: never log them.
--
-- Table names are unqualified so they land in the connection's current schema.
-- Applied migrations must never be edited: add a new numbered file instead.

CREATE TABLE spinstack_settings (
    name text NOT NULL,
    value text NOT NULL,
    CONSTRAINT spinstack_settings_pkey PRIMARY KEY (name)
);
