"""One data folder whatever the current directory, and one line when the database is
missing or not migrated (issue 9 item 5)."""

from __future__ import annotations

import os

from tests.serving import huikuan, served_env


def test_a_command_from_another_folder_says_how_to_create_the_database(tmp_path):
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = served_env(home)
    result = huikuan(env, "aging", "--as-of", "2024-06-30", cwd=elsewhere)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"no Huikuan database at {home / 'huikuan.sqlite3'}" in lines[0]
    assert "huikuan migrate" in lines[0]
    # Nothing created where the command ran, and no empty database in the data folder.
    assert list(elsewhere.iterdir()) == []
    assert not (home / "huikuan.sqlite3").exists()


def test_an_empty_database_is_reported_as_not_migrated(tmp_path):
    env = served_env(tmp_path)
    (tmp_path / "huikuan.sqlite3").touch()  # what the old default left behind
    result = huikuan(env, "aging", "--as-of", "2024-06-30")
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "is not migrated" in result.stderr and "huikuan migrate" in result.stderr


def test_without_huikuan_home_the_data_folder_is_the_users_not_the_current_one(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = served_env(tmp_path)
    env.pop("HUIKUAN_HOME")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    assert huikuan(env, "migrate", "--verbosity", "0", cwd=elsewhere).returncode == 0
    result = huikuan(env, "aging", "--as-of", "2024-06-30", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "huikuan" / "huikuan.sqlite3").exists()
    assert not (elsewhere / ".huikuan").exists()
    assert os.listdir(elsewhere) == []
