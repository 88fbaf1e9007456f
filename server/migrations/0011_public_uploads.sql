-- Citizens' pictures on public messages live in the media library with no user behind them.
-- Until now assets.uploaded_by had to name a user, so each center got a disabled account
-- `citizen-uploads-<center id>` created on demand: it showed in the center's user list and put a
-- person who does not exist into the record. Here an upload says where it came from instead.

-- upload_source rather than a bare nullable uploaded_by: a null uploader is then always explained,
-- and the check makes both mistakes impossible (a staff upload that lost its uploader, a citizen
-- upload that names a user). A new way in (an open data import, say) adds a value, not a guess.
alter table assets add column upload_source text not null default 'staff'
  check (upload_source in ('staff', 'citizen'));
alter table assets alter column uploaded_by drop not null;

-- The data below is tenant-owned under forced row-level security, which binds the owner too
-- (unless a superuser runs this): see every tenant for the rest of this transaction.
select set_config('app.scope', 'system', true);

-- The accounts ticket-attachments.ts made: that name, and the hash no password can match. One an
-- administrator has since given a password is a real account now and stays as it is.
create temporary table citizen_uploaders on commit drop as
  select id from users where username ~ '^citizen-uploads-[0-9a-f]{32}$' and password_hash = '!no-login';

-- audit_log is hash-chained and append-only, and its actor_id refers to users: an account it
-- names could be neither removed nor rewritten. These accounts could never sign in (no usable
-- password, disabled, no membership) and citizens' uploads were audited with no actor, so none
-- is named; should one be, stop here with the reason rather than leave half a conversion.
do $$
begin
  if exists (select 1 from audit_log a join citizen_uploaders c on c.id = a.actor_id) then
    raise exception 'a citizen-uploads-* account is named as actor in the audit log; it cannot be removed (resolve by hand, then migrate again)';
  end if;
end
$$;

update assets set uploaded_by = null, upload_source = 'citizen'
  where uploaded_by in (select id from citizen_uploaders);
-- The expiry of an unclaimed upload recorded its uploader as the deleter; the system deleted it.
update assets set deleted_by = null where deleted_by in (select id from citizen_uploaders);

alter table assets add constraint assets_uploader_matches_source
  check ((upload_source = 'staff') = (uploaded_by is not null));

-- Whatever an administrator may have attached to such an account while it was listed. Any other
-- reference to one makes the delete below fail, and with it this whole migration.
delete from sessions where user_id in (select id from citizen_uploaders);
delete from api_tokens where user_id in (select id from citizen_uploaders);
delete from memberships where user_id in (select id from citizen_uploaders);
delete from password_history where user_id in (select id from citizen_uploaders);
delete from users where id in (select id from citizen_uploaders);

select set_config('app.scope', '', true);
