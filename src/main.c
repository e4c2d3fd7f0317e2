/* zvonar: the server binary. */
int main(void)
{
	return 0;
}
