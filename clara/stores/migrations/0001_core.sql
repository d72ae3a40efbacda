-- Core domain of a fire & life-safety / HVAC service company.

CREATE TABLE users (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email           text NOT NULL,
    name            text NOT NULL,
    role            text NOT NULL CHECK (role IN ('technician', 'dispatcher', 'admin')),
    password_hash   text NOT NULL,
    phone           text,
    home_latitude   double precision CHECK (home_latitude BETWEEN -90 AND 90),
    home_longitude  double precision CHECK (home_longitude BETWEEN -180 AND 180),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE user_preferences (
    user_id      bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    skill_level  text NOT NULL DEFAULT 'intermediate' CHECK (skill_level IN ('beginner', 'intermediate', 'expert')),
    units        text NOT NULL DEFAULT 'imperial' CHECK (units IN ('imperial', 'metric')),
    verbosity    text NOT NULL DEFAULT 'normal' CHECK (verbosity IN ('brief', 'normal', 'detailed')),
    voice_speed  real NOT NULL DEFAULT 1.0 CHECK (voice_speed BETWEEN 0.5 AND 2.0),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customers (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                  text NOT NULL,
    segment               text NOT NULL,
    lifetime_value        numeric(14, 2) NOT NULL DEFAULT 0,
    special_requirements  text[] NOT NULL DEFAULT '{}',
    notes                 text,
    created_at            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sites (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id   bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    name          text NOT NULL,
    address       text NOT NULL,
    city          text NOT NULL,
    state         text NOT NULL DEFAULT 'CA',
    postal_code   text,
    latitude      double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude     double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    access_notes  text
);
CREATE INDEX sites_customer_idx ON sites (customer_id);

CREATE TABLE contacts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id  bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    site_id      bigint REFERENCES sites (id) ON DELETE SET NULL,
    name         text NOT NULL,
    title        text,
    phone        text,
    email        text,
    is_primary   boolean NOT NULL DEFAULT false
);
CREATE INDEX contacts_customer_idx ON contacts (customer_id);

CREATE TABLE opportunities (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id  bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    title        text NOT NULL,
    value        numeric(14, 2) NOT NULL CHECK (value >= 0),
    stage        text NOT NULL CHECK (stage IN ('prospecting', 'qualification', 'proposal', 'negotiation',
                                                'closed_won', 'closed_lost')),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX opportunities_customer_idx ON opportunities (customer_id);

CREATE TABLE equipment (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id               bigint NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    type                  text NOT NULL,
    manufacturer          text NOT NULL,
    model                 text NOT NULL,
    serial                text,
    location              text,
    install_date          date,
    last_inspected        date,
    inspection_interval_days integer NOT NULL DEFAULT 365 CHECK (inspection_interval_days > 0),
    nfpa_standard         text
);
CREATE INDEX equipment_site_idx ON equipment (site_id);

CREATE TABLE jobs (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id           bigint NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    technician_id     bigint REFERENCES users (id) ON DELETE SET NULL,
    type              text NOT NULL CHECK (type IN ('inspection', 'maintenance', 'repair', 'installation',
                                                    'emergency', 'testing')),
    status            text NOT NULL DEFAULT 'scheduled'
                      CHECK (status IN ('scheduled', 'en_route', 'in_progress', 'completed', 'cancelled')),
    priority          text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'emergency')),
    scheduled_start   timestamptz NOT NULL,
    duration_minutes  integer NOT NULL DEFAULT 90 CHECK (duration_minutes > 0),
    systems           text[] NOT NULL DEFAULT '{}',
    notes             text,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_technician_start_idx ON jobs (technician_id, scheduled_start);
CREATE INDEX jobs_site_idx ON jobs (site_id);

CREATE TABLE deficiencies (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id       bigint NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    equipment_id  bigint REFERENCES equipment (id) ON DELETE SET NULL,
    job_id        bigint REFERENCES jobs (id) ON DELETE SET NULL,
    severity      text NOT NULL CHECK (severity IN ('inoperable', 'deficient', 'suggested')),
    status        text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'fixed', 'verified')),
    description   text NOT NULL,
    location      text,
    reported_by   bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    fixed_at      timestamptz
);
CREATE INDEX deficiencies_site_idx ON deficiencies (site_id) WHERE status <> 'verified';
